package dev.ceramic.pool;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.net.Socket;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.pool.UnsupportedSignatureException.Problem;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.Travellers;
import dev.ceramic.test.pool.Travellers.Priority;
import dev.ceramic.test.pool.Travellers.Shipment;
import dev.ceramic.test.pool.TravellersService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link SignatureCheck}: a pool whose services take or return what cannot
 * travel is never built, and its exception names every such method at once; what does
 * travel passes, and round-trips through a real worker.
 */
class SignatureCheckTests {

	private static Map<String, Problem> problems;

	@BeforeAll
	static void buildAPoolOfBadSignatures() {
		UnsupportedSignatureException failure = null;
		try {
			WorkerPool.builder(TestPools.settings("signatures").build()).service(Bad.class, "never.Loaded").build();
		}
		catch (UnsupportedSignatureException ex) {
			failure = ex;
		}
		assertThat(failure).as("the pool's construction fails").isNotNull();
		assertThat(failure.pool()).isEqualTo("signatures");
		problems = new LinkedHashMap<>();
		for (Problem problem : failure.problems()) {
			assertThat(problem.serviceInterface()).isEqualTo(Bad.class);
			assertThat(problems.put(problem.method().getName(), problem)).as(problem.method().getName()).isNull();
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					inputStreams     | parameter 1 (bodies) | List<InputStream>         | an element of List<InputStream> (InputStream): a stream travels only as a parameter or a result of its own
					outputStream     | parameter 1 (out)   | OutputStream               | return the bytes as a byte[]
					reader           | return type         | Reader                     | pass a String
					writer           | parameter 1 (out)   | Writer                     | return a String
					channel          | parameter 1 (in)    | ReadableByteChannel        | a channel is an open file or connection
					stream           | return type         | Stream<String>             | use a List
					iterator         | return type         | Iterator<String>           | use a List
					socket           | parameter 1 (to)    | Socket                     | pass where to connect
					randomAccessFile | parameter 1 (file)  | RandomAccessFile           | pass the file's Path
					type             | parameter 1 (type)  | Class<?>                   | let the wire choose what gets loaded
					object           | parameter 1 (value) | Object                     | a record would arrive as a LinkedHashMap
					anything         | return type         | T                          | Object says nothing of what to build
					rawList          | parameter 1 (items) | List                       | a raw List says nothing of what it holds
					objectValues     | parameter 1 (map)   | Map<String, Object>        | a value of Map<String, Object> (Object): Object says nothing
					future           | return type         | Future<String>             | return CompletableFuture<T>
					futureArgument   | parameter 1 (value) | CompletableFuture<String>  | a future travels only as a method's return type
					stageArgument    | parameter 1 (value) | CompletionStage<String>    | a future travels only as a method's return type
					rawFuture        | return type         | CompletableFuture          | does not say what value it completes with
					futureOfStream   | return type         | CompletableFuture<InputStream> | its value InputStream: a stream travels only
					listOfFutures    | return type         | List<CompletableFuture<String>> | an element of List<CompletableFuture<String>> (CompletableFuture<String>): a future travels only as a method's return type
					supplier         | parameter 1 (value) | Supplier<String>           | a lambda cannot travel
					shape            | parameter 1 (shape) | Shape                      | an interface does not say which class to build
					base             | return type         | Base                       | an abstract class does not say which class to build
					unbuildable      | return type         | Unbuildable                | finds no constructor to build it with
					nested           | parameter 1 (uploads) | List<Upload>             | an element of List<Upload>, Upload.body (InputStream): a stream travels only
					recordKeys       | parameter 1 (map)   | Map<Point, String>         | a key of Map<Point, String> (Point): Jackson cannot read it from a JSON object's field name
					""")
	void eachMethodThatCannotTravelIsNamedWithItsTypeAndWhatToUseInstead(String method, String position, String type,
			String reason) {
		Problem problem = problems.get(method);
		assertThat(problem).as(method).isNotNull();
		assertThat(problem.position()).isEqualTo(position);
		assertThat(problem.type()).isEqualTo(type);
		assertThat(problem.reason()).contains(reason);
		assertThat(problem.describeMethod()).startsWith(Bad.class.getName() + "." + method + "(");
	}

	@Test
	void everyBrokenMethodIsNamedAtOnceAndNoOther() {
		assertThat(problems).hasSize(26).doesNotContainKeys("fine", "polymorphic");
	}

	@Test
	void asynchronousResultsPassWithTheirValuesChecked() {
		assertThatNoException()
			.isThrownBy(() -> SignatureCheck.check("async", List.of(Async.class), JsonCodec.defaults()));
	}

	@Test
	@Timeout(60)
	void everyTypeThatTravelsPassesAndRoundTripsThroughAWorker() {
		try (WorkerPool pool = WorkerPool.builder(TestPools.settings("travellers").build())
			.service(Travellers.class, TravellersService.class)
			.build()) {
			Travellers travellers = pool.proxy(Travellers.class);
			Shipment shipment = new Shipment("crate", Priority.HIGH, Instant.parse("2026-01-02T03:04:05.123456789Z"),
					List.of(1.5, 2.0), Optional.of("fragile"), new byte[] { 1, 2, 3 });
			Shipment back = travellers.ship(shipment);
			assertThat(back).usingRecursiveComparison().isEqualTo(shipment);
			assertThat(travellers.ships(List.of(shipment)).get(0)).isInstanceOf(Shipment.class);
			assertThat(travellers.byName(Map.of("a", List.of(shipment))).get("a").get(0)).isInstanceOf(Shipment.class);
			assertThat(travellers.counts(Map.of(Priority.LOW, 3))).containsEntry(Priority.LOW, 3);
			assertThat(travellers.priorities(Set.of(Priority.HIGH))).containsExactly(Priority.HIGH);
			assertThat(travellers.maybe(Optional.of(shipment))).get().isInstanceOf(Shipment.class);
			assertThat(travellers.maybe(Optional.empty())).isEmpty();
			assertThat(travellers.instant(shipment.due())).isEqualTo(shipment.due());
			assertThat(travellers.duration(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
			assertThat(travellers.date(LocalDate.of(2026, 2, 28))).isEqualTo(LocalDate.of(2026, 2, 28));
			assertThat(travellers.bytes(new byte[] { 9, 8 })).containsExactly(9, 8);
			assertThat(travellers.ints(new int[] { 7 })).containsExactly(7);
			assertThat(travellers.primitives(1, 2L, 3.0, true, 'a')).isEqualTo(1 + 2 + 3 + 1 + 'a');
			assertThat(travellers.text("é")).isEqualTo("é");
			travellers.nothing();
		}
	}

	/** Every method but two takes or returns what cannot travel. */
	interface Bad {

		void inputStreams(List<InputStream> bodies);

		void outputStream(OutputStream out);

		Reader reader();

		void writer(Writer out);

		void channel(ReadableByteChannel in);

		Stream<String> stream();

		Iterator<String> iterator();

		void socket(Socket to);

		void randomAccessFile(RandomAccessFile file);

		void type(Class<?> type);

		void object(Object value);

		<T> T anything();

		@SuppressWarnings("rawtypes")
		void rawList(List items);

		void objectValues(Map<String, Object> map);

		Future<String> future();

		void futureArgument(CompletableFuture<String> value);

		void stageArgument(CompletionStage<String> value);

		@SuppressWarnings("rawtypes")
		CompletableFuture rawFuture();

		CompletableFuture<InputStream> futureOfStream();

		List<CompletableFuture<String>> listOfFutures();

		void supplier(Supplier<String> value);

		void shape(Shape shape);

		Base base();

		Unbuildable unbuildable();

		void nested(List<Upload> uploads);

		void recordKeys(Map<Point, String> map);

		String fine(List<Point> points);

		Animal polymorphic(Animal animal);

	}

	/** Asynchronous results of values that travel. */
	interface Async {

		CompletableFuture<Point> point();

		CompletionStage<List<Point>> points(List<Point> points);

		CompletableFuture<Void> done();

	}

	/** An interface with no type information. */
	interface Shape {

		double area();

	}

	/** An abstract class with no type information. */
	abstract static class Base {

		public abstract int size();

	}

	/** A class Jackson has no constructor for. */
	static final class Unbuildable {

		private final int value;

		private Unbuildable(int value, int other) {
			this.value = value + other;
		}

		public int getValue() {
			return this.value;
		}

	}

	record Upload(String name, InputStream body) {

	}

	record Point(int x, int y) {

	}

	/** A polymorphic type whose subtypes are named: it travels. */
	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes({ @JsonSubTypes.Type(value = Cat.class, name = "cat") })
	sealed interface Animal permits Cat {

	}

	record Cat(String name) implements Animal {

	}

}
