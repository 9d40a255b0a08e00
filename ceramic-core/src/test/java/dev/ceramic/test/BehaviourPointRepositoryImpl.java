package dev.ceramic.test;

import java.util.List;

import dev.ceramic.test.Calculator.Point;

/**
 * The implementation of {@link BehaviourPointRepository}.
 */
public class BehaviourPointRepositoryImpl implements BehaviourPointRepository {

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
