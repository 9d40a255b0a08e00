package dev.ceramic.test;

import dev.ceramic.test.Calculator.Point;

/**
 * A service interface that inherits its methods from a generic interface.
 */
public interface BehaviourPointRepository extends BehaviourRepository<Point> {

	/**
	 * A method of its own.
	 * @param point a point
	 * @return the point mirrored
	 */
	Point mirror(Point point);

}
