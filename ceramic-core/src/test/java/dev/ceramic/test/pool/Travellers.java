package dev.ceramic.test.pool;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service interface whose every method takes and returns types that travel, for the
 * start-up check of signatures: each must pass it, and each must round-trip.
 */
public interface Travellers {

	Shipment ship(Shipment shipment);

	List<Shipment> ships(List<Shipment> shipments);

	Map<String, List<Shipment>> byName(Map<String, List<Shipment>> shipments);

	Map<Priority, Integer> counts(Map<Priority, Integer> counts);

	Set<Priority> priorities(Set<Priority> priorities);

	Optional<Shipment> maybe(Optional<Shipment> shipment);

	Instant instant(Instant instant);

	Duration duration(Duration duration);

	LocalDate date(LocalDate date);

	byte[] bytes(byte[] bytes);

	int[] ints(int[] ints);

	long primitives(int i, long l, double d, boolean b, char c);

	String text(String text);

	void nothing();

	/**
	 * A record with nested values, an enum, time and bytes.
	 *
	 * @param name a name
	 * @param priority how urgent
	 * @param due when
	 * @param weights some numbers
	 * @param label a label, maybe
	 * @param payload raw bytes
	 */
	record Shipment(String name, Priority priority, Instant due, List<Double> weights, Optional<String> label,
			byte[] payload) {

	}

	/** An enum. */
	enum Priority {

		LOW, HIGH

	}

}
