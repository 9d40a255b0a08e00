package dev.ceramic.pool;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.ceramic.channel.StreamPipe;
import org.jspecify.annotations.Nullable;

/**
 * The {@link InputStream} arguments of one call. For each attempt to send the call, each
 * stream gets a fresh pipe whose read end travels with the call ({@code SCM_RIGHTS}) and
 * whose pump starts only once the call was sent, so that a call handed to another worker
 * (its first died before taking it) finds its streams untouched. A plain
 * {@link FileInputStream} travels as its own descriptor instead, and the worker reads the
 * file from where the stream stands, without access to its path.
 *
 * <p>
 * Used by the one thread that holds the call's worker.
 */
final class StreamArguments {

	static final StreamArguments NONE = new StreamArguments(null, List.of(), List.of());

	private final MethodTable.@Nullable Entry entry;

	private final List<Integer> parameters;

	private final List<InputStream> sources;

	private final List<StreamPipe> pipes = new ArrayList<>();

	private StreamArguments(MethodTable.@Nullable Entry entry, List<Integer> parameters, List<InputStream> sources) {
		this.entry = entry;
		this.parameters = parameters;
		this.sources = sources;
	}

	boolean isEmpty() {
		return this.sources.isEmpty();
	}

	/**
	 * Open this attempt's pipes and return the descriptors to send: the values' after
	 * which come the streams', in parameter order.
	 * @param values the descriptors of the values out of band
	 * @return all the call's descriptors
	 * @throws StreamArgumentException if a pipe cannot be made
	 */
	FileDescriptor[] open(FileDescriptor[] values) {
		close();
		if (isEmpty()) {
			return values;
		}
		FileDescriptor[] all = Arrays.copyOf(values, values.length + this.sources.size());
		for (int i = 0; i < this.sources.size(); i++) {
			InputStream source = this.sources.get(i);
			try {
				if (source.getClass() == FileInputStream.class) {
					all[values.length + i] = ((FileInputStream) source).getFD();
				}
				else {
					StreamPipe pipe = StreamPipe.open(source, describe(i));
					this.pipes.add(pipe);
					all[values.length + i] = pipe.readEnd();
				}
			}
			catch (IOException ex) {
				close();
				throw new StreamArgumentException(
						"Could not hand " + describe(i) + " to a worker: " + ex.getMessage() + ". Nothing was sent",
						ex);
			}
		}
		return all;
	}

	/** Start pumping, once the call carrying the read ends was sent. */
	void sent() {
		for (StreamPipe pipe : this.pipes) {
			pipe.releaseReadEnd();
			pipe.start();
		}
	}

	/**
	 * The failure of a stream the worker was reading, if one failed: the call's failure,
	 * whatever the worker answered.
	 */
	Optional<StreamArgumentException> failure() {
		for (int i = 0; i < this.pipes.size(); i++) {
			Optional<IOException> failure = this.pipes.get(i).sourceFailure();
			if (failure.isPresent()) {
				return Optional.of(new StreamArgumentException(
						"Reading " + describe(i) + " failed in the application, so the worker saw it end early: "
								+ failure.get().getMessage() + ". The worker is unharmed",
						failure.get()));
			}
		}
		return Optional.empty();
	}

	/** End this attempt: a pump still running stops at its next write. */
	void close() {
		for (StreamPipe pipe : this.pipes) {
			pipe.close();
		}
		this.pipes.clear();
	}

	private String describe(int stream) {
		int parameter = this.parameters.get(stream);
		MethodTable.Entry method = Objects.requireNonNull(this.entry);
		return "the InputStream of parameter " + parameter + " ('"
				+ method.method().getParameters()[parameter].getName() + "') of " + method.describe();
	}

	/** The streams of a call's arguments, or {@link #NONE}. */
	static StreamArguments of(MethodTable.Entry entry, @Nullable Object[] arguments) {
		List<Integer> parameters = new ArrayList<>();
		List<InputStream> sources = new ArrayList<>();
		for (int i = 0; i < arguments.length; i++) {
			if (entry.isStream(i) && arguments[i] instanceof InputStream stream) {
				parameters.add(i);
				sources.add(stream);
			}
		}
		return sources.isEmpty() ? NONE : new StreamArguments(entry, parameters, sources);
	}

}
