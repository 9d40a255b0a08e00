package dev.ceramic.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Forwards one output stream of a child, line by line, to the parent's logging, and keeps
 * its last lines for error reports. On standard output it also watches for the child's
 * ready line.
 */
final class OutputForwarder implements Runnable {

	private static final int KEPT_LINES = 40;

	private static final int MAX_LINE_LENGTH = 8192;

	private final InputStream stream;

	private final Logger logger;

	private final boolean errorStream;

	private final Level level;

	private final String name;

	private final long pid;

	private final CountDownLatch ready;

	private final ArrayDeque<String> lastLines = new ArrayDeque<>();

	private final CountDownLatch finished = new CountDownLatch(1);

	/**
	 * A forwarder of one stream.
	 * @param stream the child's stream
	 * @param logger where its lines go
	 * @param errorStream whether it is standard error, which has no ready line
	 * @param level the level of its lines
	 * @param name the child's name
	 * @param pid the child's pid
	 * @param ready counted down when the ready line arrives on standard output
	 */
	OutputForwarder(InputStream stream, Logger logger, boolean errorStream, Level level, String name, long pid,
			CountDownLatch ready) {
		this.stream = stream;
		this.level = level;
		this.name = name;
		this.logger = logger;
		this.errorStream = errorStream;
		this.pid = pid;
		this.ready = ready;
	}

	@Override
	public void run() {
		MDC.put("ceramic.process", this.name);
		MDC.put("ceramic.pid", Long.toString(this.pid));
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(this.stream, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!this.errorStream && this.ready.getCount() > 0 && line.endsWith(ChildMain.READY_LINE)) {
					// Output without a line end may come before it on the same line.
					this.ready.countDown();
					line = line.substring(0, line.length() - ChildMain.READY_LINE.length());
					if (line.isEmpty()) {
						continue;
					}
				}
				if (line.length() > MAX_LINE_LENGTH) {
					line = line.substring(0, MAX_LINE_LENGTH) + "... (cut)";
				}
				keep(line);
				this.logger.atLevel(this.level).log("[pid {}] {}", this.pid, line);
			}
		}
		catch (IOException ex) {
			// The pipe closed under us: the child is gone, and so is its output.
		}
		finally {
			MDC.remove("ceramic.process");
			MDC.remove("ceramic.pid");
			this.finished.countDown();
		}
	}

	private synchronized void keep(String line) {
		if (this.lastLines.size() == KEPT_LINES) {
			this.lastLines.removeFirst();
		}
		this.lastLines.addLast(line);
	}

	synchronized List<String> lastLines() {
		return new ArrayList<>(this.lastLines);
	}

	/** Wait a little for the rest of the output of a child that has exited. */
	void awaitEnd(long millis) {
		try {
			this.finished.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
