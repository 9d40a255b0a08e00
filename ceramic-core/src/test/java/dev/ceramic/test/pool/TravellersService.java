package dev.ceramic.test.pool;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hands every value back as it came.
 */
public class TravellersService implements Travellers {

	@Override
	public Shipment ship(Shipment shipment) {
		return shipment;
	}

	@Override
	public List<Shipment> ships(List<Shipment> shipments) {
		return shipments;
	}

	@Override
	public Map<String, List<Shipment>> byName(Map<String, List<Shipment>> shipments) {
		return shipments;
	}

	@Override
	public Map<Priority, Integer> counts(Map<Priority, Integer> counts) {
		return counts;
	}

	@Override
	public Set<Priority> priorities(Set<Priority> priorities) {
		return priorities;
	}

	@Override
	public Optional<Shipment> maybe(Optional<Shipment> shipment) {
		return shipment;
	}

	@Override
	public Instant instant(Instant instant) {
		return instant;
	}

	@Override
	public Duration duration(Duration duration) {
		return duration;
	}

	@Override
	public LocalDate date(LocalDate date) {
		return date;
	}

	@Override
	public byte[] bytes(byte[] bytes) {
		return bytes;
	}

	@Override
	public int[] ints(int[] ints) {
		return ints;
	}

	@Override
	public long primitives(int i, long l, double d, boolean b, char c) {
		return i + l + (long) d + (b ? 1 : 0) + c;
	}

	@Override
	public String text(String text) {
		return text;
	}

	@Override
	public void nothing() {
	}

}
