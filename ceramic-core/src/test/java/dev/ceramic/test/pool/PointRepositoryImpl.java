package dev.ceramic.test.pool;

import java.util.List;

import dev.ceramic.test.pool.Calculator.Point;

/**
 * The implementation of {@link PointRepository}.
 */
public class PointRepositoryImpl implements PointRepository {

	@Override
	public Point find(int id) {
		return new Point(id, -id);
	}

	@Override
	public Point store(Point value) {
		return value;
	}

	@Override
	public List<Point> findAll(List<Integer> ids) {
		return ids.stream().map(this::find).toList();
	}

	@Override
	public Point mirror(Point point) {
		return new Point(point.y(), point.x());
	}

}
