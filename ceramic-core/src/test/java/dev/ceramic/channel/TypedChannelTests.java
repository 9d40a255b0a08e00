package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ceramic.process.Proc;
import dev.ceramic.test.channel.GenericTypes;
import dev.ceramic.test.channel.TypedBlob;
import dev.ceramic.test.channel.TypedPeer;
import dev.ceramic.test.channel.TypedPoint;
import dev.ceramic.test.proc.ChildJvms;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link TypedSender} and {@link TypedReceiver} between this JVM and a real child
 * ({@link TypedPeer}), including what a hostile or broken peer can send.
 */
class TypedChannelTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private Chan chan;

	private Proc peer;

	@BeforeEach
	void startPeer() {
		this.chan = Chan.open();
		this.peer = Proc.start(TypedPeer.class, this.chan, ChildJvms.options("typed-test-peer").build());
	}

	@AfterEach
	void stopPeer() {
		this.peer.close();
	}

	@Test
	void recordRoundTrip() {
		command("point");
		TypedPoint point = new TypedPoint("p \u00e9 \"quoted\"", 3, -4);
		TypedSender.over(this.chan, TypedPoint.class).send(point);
		assertThat(points().recv(TIMEOUT)).isEqualTo(point.transformed());
	}

	@Test
	void genericListOfRecordsRoundTrip() {
		command("points");
		List<TypedPoint> points = List.of(new TypedPoint("a", 1, 2), new TypedPoint("b", 3, 4),
				new TypedPoint("c", 5, 6));
		TypedSender.<List<TypedPoint>>over(this.chan, JsonCodec.defaults(), GenericTypes.POINTS).send(points);
		List<TypedPoint> reply = TypedReceiver
			.<List<TypedPoint>>over(this.chan, JsonCodec.defaults(), GenericTypes.POINTS)
			.recv(TIMEOUT);
		// Each element must really be a record, not a map that merely prints like one.
		assertThat(reply).hasOnlyElementsOfType(TypedPoint.class)
			.containsExactly(points.get(2).transformed(), points.get(1).transformed(), points.get(0).transformed());
	}

	@Test
	void nullRoundTrip() {
		command("null");
		TypedSender.over(this.chan, TypedPoint.class).send(null);
		assertThat(TypedReceiver.over(this.chan, String.class).recv(TIMEOUT)).isEqualTo("null");
		assertThat(points().recv(TIMEOUT)).isNull();
	}

	@Test
	void byteArraysRoundTripAloneAndInsideARecord() {
		byte[] data = randomBytes(3000);
		command("bytes");
		TypedSender.over(this.chan, byte[].class).send(data);
		assertThat(TypedReceiver.over(this.chan, byte[].class).recv(TIMEOUT)).isEqualTo(TypedPeer.reversed(data));

		TypedBlob blob = new TypedBlob("blob", randomBytes(5000), new byte[] { 0, -1, 127, -128 });
		command("blob");
		TypedSender.over(this.chan, TypedBlob.class).send(blob);
		assertThat(TypedReceiver.over(this.chan, TypedBlob.class).recv(TIMEOUT))
			.isEqualTo(new TypedBlob("BLOB", TypedPeer.reversed(blob.data()), blob.extra()));
	}

	@Test
	void byteArraysTravelAsRawBytesNotBase64() {
		byte[] data = randomBytes(3000);
		JsonCodec codec = JsonCodec.defaults();
		byte[] encoded = codec.encode(data, byte[].class);
		assertThat(encoded.length).isLessThan(3000 + 64);
		String json = jsonPart(encoded);
		assertThat(json).isEqualTo("0").doesNotContain(Base64.getEncoder().encodeToString(data).substring(0, 16));
		assertThat(attachment(encoded, json)).isEqualTo(data);

		TypedBlob blob = new TypedBlob("b", data, new byte[] { 9, 8, 7 });
		byte[] encodedBlob = codec.encode(blob, TypedBlob.class);
		assertThat(encodedBlob.length).isLessThan(3000 + 3 + 128);
		JsonNode tree = JsonMapper.builder().build().readTree(jsonPart(encodedBlob));
		assertThat(tree.get("data").isInt()).as("data is an attachment index in %s", tree).isTrue();
		assertThat(tree.get("extra").isInt()).as("extra is an attachment index in %s", tree).isTrue();

		// What crosses the socket is that form: the child echoes the raw frame it got.
		command("raw-echo");
		TypedSender.over(this.chan, byte[].class).send(data);
		byte[] onTheWire = this.chan.recv(TIMEOUT);
		assertThat(onTheWire).isEqualTo(encoded);
	}

	@Test
	void headroomLeavesRoomForTheCallersHeader() {
		JsonCodec codec = JsonCodec.defaults();
		TypedBlob blob = new TypedBlob("h", randomBytes(100), new byte[] { 5 });
		byte[] plain = codec.encode(blob, TypedBlob.class);
		byte[] withHeadroom = codec.encode(blob, codec.javaType(TypedBlob.class), 3);
		assertThat(withHeadroom).hasSize(plain.length + 3).startsWith(0, 0, 0);
		assertThat(Arrays.copyOfRange(withHeadroom, 3, withHeadroom.length)).isEqualTo(plain);
		assertThat(codec.<TypedBlob>decode(withHeadroom, 3, plain.length, codec.javaType(TypedBlob.class)))
			.isEqualTo(blob);
	}

	@Test
	void concurrentEncodesKeepTheirOwnAttachments() throws Exception {
		JsonCodec codec = JsonCodec.defaults();
		// A failed encode must not leave its attachments for the next one on the thread.
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> codec.encode(new Object(), Object.class));
		List<Callable<Boolean>> tasks = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int thread = t;
			tasks.add(() -> {
				for (int i = 0; i < 500; i++) {
					TypedBlob blob = new TypedBlob(thread + "/" + i, randomBytes(1 + i % 64),
							new byte[] { (byte) thread, (byte) i });
					byte[] encoded = codec.encode(blob, TypedBlob.class);
					if (!blob.equals(codec.decode(encoded, TypedBlob.class))) {
						return false;
					}
				}
				return true;
			});
		}
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			for (Future<Boolean> result : executor.invokeAll(tasks)) {
				assertThat(result.get()).isTrue();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void malformedMessagesFailOnlyTheirOwnReceive() {
		command("garbage");
		TypedReceiver<TypedPoint> points = points();
		for (byte[] garbage : TypedPeer.GARBAGE) {
			assertThatExceptionOfType(MessageDecodingException.class).isThrownBy(() -> points.recv(TIMEOUT))
				.as("decoding %s", Arrays.toString(garbage))
				.withMessageStartingWith("Malformed message");
		}
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
		assertThat(this.chan.isOpen()).isTrue();
	}

	@Test
	void nestingBeyondTheLimitFailsThatReceive() {
		JsonCodec codec = JsonCodec.create(8, 1000);
		TypedReceiver<Object> values = TypedReceiver.over(this.chan, codec, Object.class);
		TypedReceiver<TypedPoint> points = TypedReceiver.over(this.chan, codec, TypedPoint.class);
		command("deep 8");
		assertThat(values.recv(TIMEOUT)).isInstanceOf(List.class);
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
		command("deep 9");
		assertThatExceptionOfType(MessageDecodingException.class).isThrownBy(() -> values.recv(TIMEOUT))
			.withMessageContaining("nesting depth");
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
	}

	@Test
	void stringBeyondTheLimitFailsThatReceive() {
		JsonCodec codec = JsonCodec.create(64, 1000);
		TypedReceiver<String> strings = TypedReceiver.over(this.chan, codec, String.class);
		TypedReceiver<TypedPoint> points = TypedReceiver.over(this.chan, codec, TypedPoint.class);
		command("string 1000");
		assertThat(strings.recv(TIMEOUT)).hasSize(1000);
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
		command("string 1001");
		assertThatExceptionOfType(MessageDecodingException.class).isThrownBy(() -> strings.recv(TIMEOUT))
			.withMessageContaining("String value length");
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
		command("string 100000");
		assertThatExceptionOfType(MessageDecodingException.class).isThrownBy(() -> strings.recv(TIMEOUT))
			.withMessageContaining("String value length");
		assertThat(points.recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
	}

	@Test
	void classNamesFromTheWireAreNeverInstantiated() {
		TypedReceiver<Object> values = TypedReceiver.over(this.chan, JsonCodec.defaults(), Object.class);
		command("class-names");
		assertThat(values.recv(TIMEOUT)).isExactlyInstanceOf(LinkedHashMap.class)
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("@class", "java.lang.ProcessBuilder");
		assertThat(values.recv(TIMEOUT)).isInstanceOf(List.class)
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.first()
			.isEqualTo("java.lang.ProcessBuilder");
		assertThat(values.recv(TIMEOUT)).isExactlyInstanceOf(LinkedHashMap.class)
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("@type", "java.lang.ProcessBuilder");
		assertThat(points().recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);

		TypedReceiver<Map<String, Object>> maps = TypedReceiver.over(this.chan, JsonCodec.defaults(), Map.class);
		command("class-names");
		assertThat(maps.recv(TIMEOUT)).isExactlyInstanceOf(LinkedHashMap.class)
			.containsEntry("@class", "java.lang.ProcessBuilder");
		// An array is no map, whatever class name it starts with.
		assertThatExceptionOfType(MessageDecodingException.class).isThrownBy(() -> maps.recv(TIMEOUT));
		assertThat(maps.recv(TIMEOUT)).isExactlyInstanceOf(LinkedHashMap.class)
			.containsEntry("@type", "java.lang.ProcessBuilder");
		assertThat(points().recv(TIMEOUT)).isEqualTo(TypedPeer.AFTER);
	}

	private void command(String command) {
		this.chan.send(command.getBytes(StandardCharsets.UTF_8), TIMEOUT);
	}

	private TypedReceiver<TypedPoint> points() {
		return TypedReceiver.over(this.chan, TypedPoint.class);
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	/** The JSON text of an encoded message: after its 4-byte big-endian length. */
	private static String jsonPart(byte[] encoded) {
		int length = ((encoded[0] & 0xff) << 24) | ((encoded[1] & 0xff) << 16) | ((encoded[2] & 0xff) << 8)
				| (encoded[3] & 0xff);
		return new String(encoded, 4, length, StandardCharsets.UTF_8);
	}

	/** The single attachment that follows the JSON text. */
	private static byte[] attachment(byte[] encoded, String json) {
		int offset = 4 + json.getBytes(StandardCharsets.UTF_8).length;
		int length = ((encoded[offset] & 0xff) << 24) | ((encoded[offset + 1] & 0xff) << 16)
				| ((encoded[offset + 2] & 0xff) << 8) | (encoded[offset + 3] & 0xff);
		assertThat(offset + 4 + length).isEqualTo(encoded.length);
		return java.util.Arrays.copyOfRange(encoded, offset + 4, offset + 4 + length);
	}

}
