package dev.ceramic.process;

import dev.ceramic.channel.Chan;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcSmokeTests {

	@Test
	void childEchoesAMessage() {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(Echo.class, chan, ProcOptions.defaults())) {
			chan.send("hello".getBytes());
			assertThat(new String(chan.recv())).isEqualTo("hello");
		}
	}

}
