package dev.ceramic.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ceramic.channel.ChanOptions;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.process.LaunchMode;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link WorkerPool}. Build them with {@link #builder(String)}; each
 * setting's default is named on its builder method. Invalid values fail in
 * {@link Builder#build()} with a message that names the setting.
 */
public final class WorkerPoolSettings {

	private final String name;

	private final int minWorkers;

	private final int maxWorkers;

	private final Duration acquireTimeout;

	private final int maxQueuedCalls;

	private final Duration callTimeout;

	private final long maxCallsPerWorker;

	private final Duration idleTimeout;

	private final long maxWorkerMemory;

	private final Duration startupTimeout;

	private final Duration shutdownGrace;

	private final List<String> jvmArguments;

	private final @Nullable Path javaHome;

	private final Map<String, String> systemProperties;

	private final boolean inheritEnvironment;

	private final Map<String, String> environment;

	private final @Nullable Path workingDirectory;

	private final @Nullable LaunchMode launchMode;

	private final Class<? extends ServiceFactory> serviceFactory;

	private final int maxFrameSize;

	private final int maxNestingDepth;

	private final Duration restartBackoff;

	private final Duration maxRestartBackoff;

	private final int crashLoopThreshold;

	private WorkerPoolSettings(Builder builder) {
		this.name = builder.name;
		this.minWorkers = builder.minWorkers;
		this.maxWorkers = builder.maxWorkers;
		this.acquireTimeout = builder.acquireTimeout;
		this.maxQueuedCalls = builder.maxQueuedCalls;
		this.callTimeout = builder.callTimeout;
		this.maxCallsPerWorker = builder.maxCallsPerWorker;
		this.idleTimeout = builder.idleTimeout;
		this.maxWorkerMemory = builder.maxWorkerMemory;
		this.startupTimeout = builder.startupTimeout;
		this.shutdownGrace = builder.shutdownGrace;
		this.jvmArguments = List.copyOf(builder.jvmArguments);
		this.javaHome = builder.javaHome;
		this.systemProperties = Map.copyOf(builder.systemProperties);
		this.inheritEnvironment = builder.inheritEnvironment;
		this.environment = Map.copyOf(builder.environment);
		this.workingDirectory = builder.workingDirectory;
		this.launchMode = builder.launchMode;
		this.serviceFactory = builder.serviceFactory;
		this.maxFrameSize = builder.maxFrameSize;
		this.maxNestingDepth = builder.maxNestingDepth;
		this.restartBackoff = builder.restartBackoff;
		this.maxRestartBackoff = builder.maxRestartBackoff;
		this.crashLoopThreshold = builder.crashLoopThreshold;
	}

	/**
	 * Start building the settings of a pool.
	 * @param name the pool's name, used in logs, errors and metrics
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	public String name() {
		return this.name;
	}

	public int minWorkers() {
		return this.minWorkers;
	}

	public int maxWorkers() {
		return this.maxWorkers;
	}

	public Duration acquireTimeout() {
		return this.acquireTimeout;
	}

	public int maxQueuedCalls() {
		return this.maxQueuedCalls;
	}

	public Duration callTimeout() {
		return this.callTimeout;
	}

	public long maxCallsPerWorker() {
		return this.maxCallsPerWorker;
	}

	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	public long maxWorkerMemory() {
		return this.maxWorkerMemory;
	}

	public Duration startupTimeout() {
		return this.startupTimeout;
	}

	public Duration shutdownGrace() {
		return this.shutdownGrace;
	}

	public List<String> jvmArguments() {
		return this.jvmArguments;
	}

	public @Nullable Path javaHome() {
		return this.javaHome;
	}

	public Map<String, String> systemProperties() {
		return this.systemProperties;
	}

	public boolean inheritEnvironment() {
		return this.inheritEnvironment;
	}

	public Map<String, String> environment() {
		return this.environment;
	}

	public @Nullable Path workingDirectory() {
		return this.workingDirectory;
	}

	public @Nullable LaunchMode launchMode() {
		return this.launchMode;
	}

	public Class<? extends ServiceFactory> serviceFactory() {
		return this.serviceFactory;
	}

	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	public int maxNestingDepth() {
		return this.maxNestingDepth;
	}

	public Duration restartBackoff() {
		return this.restartBackoff;
	}

	public Duration maxRestartBackoff() {
		return this.maxRestartBackoff;
	}

	public int crashLoopThreshold() {
		return this.crashLoopThreshold;
	}

	/**
	 * Builds {@link WorkerPoolSettings}.
	 */
	public static final class Builder {

		private final String name;

		private int minWorkers = 1;

		private int maxWorkers = Math.max(2, Runtime.getRuntime().availableProcessors());

		private Duration acquireTimeout = Duration.ofSeconds(5);

		private int maxQueuedCalls = 100;

		private Duration callTimeout = Duration.ofSeconds(30);

		private long maxCallsPerWorker;

		private Duration idleTimeout = Duration.ofMinutes(5);

		private long maxWorkerMemory;

		private Duration startupTimeout = Duration.ofSeconds(30);

		private Duration shutdownGrace = Duration.ofSeconds(10);

		private final List<String> jvmArguments = new ArrayList<>();

		private @Nullable Path javaHome;

		private final Map<String, String> systemProperties = new LinkedHashMap<>();

		private boolean inheritEnvironment = true;

		private final Map<String, String> environment = new LinkedHashMap<>();

		private @Nullable Path workingDirectory;

		private @Nullable LaunchMode launchMode;

		private Class<? extends ServiceFactory> serviceFactory = ReflectiveServiceFactory.class;

		private int maxFrameSize = ChanOptions.DEFAULT_MAX_FRAME_SIZE;

		private int maxNestingDepth = JsonCodec.DEFAULT_MAX_NESTING_DEPTH;

		private Duration restartBackoff = Duration.ofMillis(100);

		private Duration maxRestartBackoff = Duration.ofSeconds(10);

		private int crashLoopThreshold = 5;

		private Builder(String name) {
			this.name = name;
		}

		/** Workers kept running, started in parallel when the pool starts. Default 1. */
		public Builder minWorkers(int minWorkers) {
			this.minWorkers = minWorkers;
			return this;
		}

		/**
		 * Most workers the pool grows to under load. Default: the number of CPUs, at
		 * least 2.
		 */
		public Builder maxWorkers(int maxWorkers) {
			this.maxWorkers = maxWorkers;
			return this;
		}

		/** How long a call waits for a free worker before it is rejected. Default 5 s. */
		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
			return this;
		}

		/**
		 * Most calls that may wait for a worker at once; more are rejected at once.
		 * Default 100.
		 */
		public Builder maxQueuedCalls(int maxQueuedCalls) {
			this.maxQueuedCalls = maxQueuedCalls;
			return this;
		}

		/** Deadline of each call, after which its worker is killed. Default 30 s. */
		public Builder callTimeout(Duration callTimeout) {
			this.callTimeout = callTimeout;
			return this;
		}

		/**
		 * Calls after which a worker is replaced (with 10% jitter), or 0 for never.
		 * Default 0.
		 */
		public Builder maxCallsPerWorker(long maxCallsPerWorker) {
			this.maxCallsPerWorker = maxCallsPerWorker;
			return this;
		}

		/**
		 * Idle time after which workers above {@code min-workers} stop. Default 5 min.
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Resident memory in bytes past which a worker is replaced, or 0 for no limit. It
		 * is read from {@code /proc} after a call, at most every 10 ms per worker (so
		 * always after a call that ran that long), and while the worker is idle. Default
		 * 0.
		 */
		public Builder maxWorkerMemory(long maxWorkerMemory) {
			this.maxWorkerMemory = maxWorkerMemory;
			return this;
		}

		/** How long a worker may take to start. Default 30 s. */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
			return this;
		}

		/**
		 * How long shutdown waits for calls in flight before killing workers. Default 10
		 * s.
		 */
		public Builder shutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
			return this;
		}

		/** Add options for the worker JVMs, such as {@code -Xmx128m}. */
		public Builder jvmArguments(List<String> arguments) {
			this.jvmArguments.addAll(arguments);
			return this;
		}

		/** The Java installation for workers. Default: the application's own. */
		public Builder javaHome(@Nullable Path javaHome) {
			this.javaHome = javaHome;
			return this;
		}

		/** Add system properties of the worker JVMs. */
		public Builder systemProperties(Map<String, String> properties) {
			this.systemProperties.putAll(properties);
			return this;
		}

		/**
		 * Whether workers inherit the application's environment variables. Default true.
		 */
		public Builder inheritEnvironment(boolean inheritEnvironment) {
			this.inheritEnvironment = inheritEnvironment;
			return this;
		}

		/** Add environment variables of the workers. */
		public Builder environment(Map<String, String> environment) {
			this.environment.putAll(environment);
			return this;
		}

		/** The workers' working directory. Default: the application's. */
		public Builder workingDirectory(@Nullable Path workingDirectory) {
			this.workingDirectory = workingDirectory;
			return this;
		}

		/** How worker command lines are built. Default: the application's classpath. */
		public Builder launchMode(@Nullable LaunchMode launchMode) {
			this.launchMode = launchMode;
			return this;
		}

		/** The factory that makes the services inside each worker. */
		public Builder serviceFactory(Class<? extends ServiceFactory> serviceFactory) {
			this.serviceFactory = serviceFactory;
			return this;
		}

		/** Largest message in bytes, either way. Default 64 MiB. */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/** Deepest nesting of arguments and results. Default 64. */
		public Builder maxNestingDepth(int maxNestingDepth) {
			this.maxNestingDepth = maxNestingDepth;
			return this;
		}

		/**
		 * First delay before replacing a crashed worker; it doubles on each crash in a
		 * row.
		 */
		public Builder restartBackoff(Duration initial, Duration max) {
			this.restartBackoff = initial;
			this.maxRestartBackoff = max;
			return this;
		}

		/**
		 * Start-up failures in a row after which the pool reports itself failed. Default
		 * 5.
		 */
		public Builder crashLoopThreshold(int crashLoopThreshold) {
			this.crashLoopThreshold = crashLoopThreshold;
			return this;
		}

		/**
		 * Check the settings and build them.
		 * @return the settings
		 * @throws IllegalArgumentException naming the first invalid setting
		 */
		public WorkerPoolSettings build() {
			require(this.name != null && !this.name.isBlank(), "name", "must not be blank", this.name);
			require(this.minWorkers >= 0, "min-workers", "must not be negative", this.minWorkers);
			require(this.maxWorkers >= 1, "max-workers", "must be at least 1", this.maxWorkers);
			require(this.minWorkers <= this.maxWorkers, "min-workers",
					"must not be greater than max-workers (" + this.maxWorkers + ")", this.minWorkers);
			require(!this.acquireTimeout.isNegative(), "acquire-timeout", "must not be negative", this.acquireTimeout);
			require(this.maxQueuedCalls >= 0, "max-queued-calls", "must not be negative", this.maxQueuedCalls);
			requirePositive(this.callTimeout, "call-timeout");
			require(this.maxCallsPerWorker >= 0, "max-calls-per-worker", "must not be negative (0 means no limit)",
					this.maxCallsPerWorker);
			requirePositive(this.idleTimeout, "idle-timeout");
			require(this.maxWorkerMemory >= 0, "max-worker-memory", "must not be negative (0 means no limit)",
					this.maxWorkerMemory);
			requirePositive(this.startupTimeout, "startup-timeout");
			require(!this.shutdownGrace.isNegative(), "shutdown-grace", "must not be negative", this.shutdownGrace);
			require(this.maxFrameSize >= 1024, "max-frame-size", "must be at least 1024 bytes", this.maxFrameSize);
			require(this.maxNestingDepth >= 1, "max-nesting-depth", "must be at least 1", this.maxNestingDepth);
			requirePositive(this.restartBackoff, "restart-backoff");
			require(this.maxRestartBackoff.compareTo(this.restartBackoff) >= 0, "max-restart-backoff",
					"must not be less than restart-backoff", this.maxRestartBackoff);
			require(this.crashLoopThreshold >= 1, "crash-loop-threshold", "must be at least 1",
					this.crashLoopThreshold);
			return new WorkerPoolSettings(this);
		}

		private void require(boolean valid, String setting, String rule, @Nullable Object value) {
			if (!valid) {
				throw new IllegalArgumentException(
						"Pool '" + this.name + "': " + setting + " " + rule + ", but was " + value);
			}
		}

		private void requirePositive(Duration duration, String setting) {
			require(!duration.isZero() && !duration.isNegative(), setting, "must be positive", duration);
		}

	}

}
