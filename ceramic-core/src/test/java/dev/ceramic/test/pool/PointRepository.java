package dev.ceramic.test.pool;

import dev.ceramic.test.pool.Calculator.Point;

/**
 * A service interface that inherits its methods from a generic interface.
 */
public interface PointRepository extends Repository<Point> {

	/**
	 * A method of its own.
	 * @param point a point
	 * @return the point mirrored
	 */
	Point mirror(Point point);

}
