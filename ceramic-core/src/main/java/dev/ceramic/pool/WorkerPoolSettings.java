package dev.ceramic.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ceramic.channel.ChanOptions;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.OutOfBand;
import dev.ceramic.process.LaunchMode;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.process.ResourceLimits;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link WorkerPool}, in small immutable groups (sizing, queue,
 * recycling, restarts, limits, launch) beside the pool's timeouts and message limits.
 * Build them with {@link #builder(String)}; each setting's default is named on its
 * builder method. The builder's initial values are the defaults the starter reads too,
 * and a test holds the starter's configuration metadata to them. Invalid values fail in
 * {@link Builder#build()} with an {@link InvalidSettingsException} that names every
 * setting that broke a rule.
 */
public final class WorkerPoolSettings {

	private final String name;

	private final Sizing sizing;

	private final Queue queue;

	private final Recycling recycling;

	private final Restarts restarts;

	private final Limits limits;

	private final ProcOptions launch;

	private final Duration callTimeout;

	private final Duration startupTimeout;

	private final Duration shutdownGrace;

	private final Class<? extends ServiceFactory> serviceFactory;

	private final int maxFrameSize;

	private final int maxNestingDepth;

	private final long largeValueThreshold;

	private final long maxValueSize;

	private final Map<String, String> systemProperties;

	private final List<String> arguments;

	private WorkerPoolSettings(Builder builder) {
		this.name = builder.name;
		this.sizing = new Sizing(builder.minWorkers, builder.maxWorkers, builder.idleTimeout, builder.spareWorkers);
		this.queue = new Queue(builder.acquireTimeout, builder.maxQueuedCalls);
		this.recycling = new Recycling(builder.maxCallsPerWorker, builder.maxWorkerMemory);
		this.restarts = new Restarts(builder.restartBackoff, builder.maxRestartBackoff, builder.crashLoopThreshold);
		this.limits = new Limits((builder.dataSizeLimit != null) ? builder.dataSizeLimit : 0, builder.cpuTimeLimit,
				(builder.openFilesLimit != null) ? builder.openFilesLimit : 0, builder.coreDumps);
		this.launch = builder.launch.name(builder.name)
			.limits(this.limits.toResourceLimits())
			.startupTimeout(builder.startupTimeout)
			.closeGrace(builder.shutdownGrace)
			.build();
		this.callTimeout = builder.callTimeout;
		this.startupTimeout = builder.startupTimeout;
		this.shutdownGrace = builder.shutdownGrace;
		this.serviceFactory = builder.serviceFactory;
		this.maxFrameSize = (int) builder.maxFrameSize;
		this.maxNestingDepth = builder.maxNestingDepth;
		this.largeValueThreshold = builder.largeValueThreshold;
		this.maxValueSize = builder.maxValueSize;
		this.systemProperties = Map.copyOf(builder.systemProperties);
		this.arguments = List.copyOf(builder.arguments);
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

	/** How many workers run. */
	public Sizing sizing() {
		return this.sizing;
	}

	/** How calls wait for a free worker. */
	public Queue queue() {
		return this.queue;
	}

	/** When a healthy worker is replaced anyway. */
	public Recycling recycling() {
		return this.recycling;
	}

	/** How crashed workers are replaced. */
	public Restarts restarts() {
		return this.restarts;
	}

	/** What the kernel lets each worker use. */
	public Limits limits() {
		return this.limits;
	}

	/**
	 * How each worker JVM is started. Its name, start-up timeout and close grace are the
	 * pool's name, {@link #startupTimeout()} and {@link #shutdownGrace()}.
	 */
	public ProcOptions launch() {
		return this.launch;
	}

	public Duration callTimeout() {
		return this.callTimeout;
	}

	public Duration startupTimeout() {
		return this.startupTimeout;
	}

	public Duration shutdownGrace() {
		return this.shutdownGrace;
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

	/**
	 * The size from which {@code byte[]} and {@code ByteBuffer} values travel in shared
	 * memory instead of in the channel's frames.
	 * @return the size in bytes
	 */
	public long largeValueThreshold() {
		return this.largeValueThreshold;
	}

	/**
	 * The largest {@code byte[]} or {@code ByteBuffer} value that travels in shared
	 * memory.
	 * @return the size in bytes
	 */
	public long maxValueSize() {
		return this.maxValueSize;
	}

	/**
	 * System properties that each worker sets before it makes its services. They reach
	 * the worker over its channel, never on its command line; a property the JVM reads as
	 * it boots belongs in {@link Builder#jvmArguments(List)}.
	 */
	public Map<String, String> systemProperties() {
		return this.systemProperties;
	}

	/**
	 * Arguments for the workers' {@link ServiceFactory}, such as the application's
	 * command-line arguments. Like {@link #systemProperties()}, they travel over the
	 * channel.
	 */
	public List<String> arguments() {
		return this.arguments;
	}

	/**
	 * How many workers run: {@code minWorkers} kept running, up to {@code maxWorkers}
	 * under load, and those above the minimum stopped after {@code idleTimeout} idle.
	 * While any call runs or waits, {@code spareWorkers} more than the busy ones are kept
	 * started and idle, within {@code maxWorkers}.
	 *
	 * @param minWorkers workers kept running
	 * @param maxWorkers most workers under load
	 * @param idleTimeout idle time after which workers above the minimum stop
	 * @param spareWorkers idle workers kept ready beyond the busy ones while calls run
	 */
	public record Sizing(int minWorkers, int maxWorkers, Duration idleTimeout, int spareWorkers) {

		/**
		 * Return how many workers the pool wants running or starting: min-workers, and
		 * while any call runs or waits, one per call plus the spares, within max-workers.
		 * @param busy workers busy with a call
		 * @param waiting calls waiting for a worker
		 * @return the workers wanted
		 */
		int wanted(int busy, int waiting) {
			int inUse = busy + waiting;
			int forCalls = (inUse > 0) ? inUse + this.spareWorkers : 0;
			return Math.max(this.minWorkers, Math.min(this.maxWorkers, forCalls));
		}

	}

	/**
	 * How calls wait for a free worker: at most {@code maxQueuedCalls} at once, each for
	 * at most {@code acquireTimeout}.
	 *
	 * @param acquireTimeout how long a call waits before it is rejected
	 * @param maxQueuedCalls most calls that may wait at once
	 */
	public record Queue(Duration acquireTimeout, int maxQueuedCalls) {
	}

	/**
	 * When a healthy worker is replaced anyway; 0 turns a limit off.
	 *
	 * @param maxCallsPerWorker calls after which a worker is replaced
	 * @param maxWorkerMemory resident bytes past which a worker is replaced
	 */
	public record Recycling(long maxCallsPerWorker, long maxWorkerMemory) {
	}

	/**
	 * How crashed workers are replaced: after a delay that starts at {@code backoff} and
	 * doubles up to {@code maxBackoff} on each crash in a row, until
	 * {@code crashLoopThreshold} start-up failures in a row mark the pool failed.
	 *
	 * @param backoff first delay before a replacement
	 * @param maxBackoff longest delay before a replacement
	 * @param crashLoopThreshold start-up failures in a row that mark the pool failed
	 */
	public record Restarts(Duration backoff, Duration maxBackoff, int crashLoopThreshold) {
	}

	/**
	 * Limits the kernel enforces on each worker alone, set before its JVM starts; 0 (or
	 * null) means no limit. A worker that passes one ends, and its crash names the limit.
	 *
	 * @param dataSize bytes of private writable memory a worker may map (RLIMIT_DATA)
	 * @param cpuTime CPU time a worker may use over its life, in whole seconds
	 * (RLIMIT_CPU), or null
	 * @param openFiles files a worker may have open at once (RLIMIT_NOFILE)
	 * @param coreDumps false to turn core files off (RLIMIT_CORE 0); true leaves them as
	 * inherited
	 */
	public record Limits(long dataSize, @Nullable Duration cpuTime, int openFiles, boolean coreDumps) {

		/** The property of the data size limit, as errors name it. */
		public static final String DATA_SIZE = "limits.data-size";

		/** The property of the CPU time limit, as errors name it. */
		public static final String CPU_TIME = "limits.cpu-time";

		/** The property of the open files limit, as errors name it. */
		public static final String OPEN_FILES = "limits.open-files";

		ResourceLimits toResourceLimits() {
			ResourceLimits limits = ResourceLimits.none().withCoreDumps(this.coreDumps);
			if (this.dataSize > 0) {
				limits = limits.withDataSize(this.dataSize);
			}
			if (this.cpuTime != null) {
				limits = limits.withCpuTime(this.cpuTime);
			}
			if (this.openFiles > 0) {
				limits = limits.withOpenFiles(this.openFiles);
			}
			return limits;
		}

	}

	/**
	 * Builds {@link WorkerPoolSettings}. Its initial values are ceramic's defaults, which
	 * the Spring Boot starter reads from here too.
	 */
	public static final class Builder {

		private final String name;

		private int minWorkers = 1;

		private int maxWorkers = 4;

		private int spareWorkers = 1;

		private Duration acquireTimeout = Duration.ofSeconds(5);

		private int maxQueuedCalls = 100;

		private Duration callTimeout = Duration.ofSeconds(30);

		private long maxCallsPerWorker;

		private Duration idleTimeout = Duration.ofMinutes(5);

		private long maxWorkerMemory;

		private Duration startupTimeout = Duration.ofSeconds(30);

		private Duration shutdownGrace = Duration.ofSeconds(10);

		private ProcOptions.Builder launch = ProcOptions.builder();

		private Class<? extends ServiceFactory> serviceFactory = ReflectiveServiceFactory.class;

		private long maxFrameSize = ChanOptions.DEFAULT_MAX_FRAME_SIZE;

		private int maxNestingDepth = JsonCodec.DEFAULT_MAX_NESTING_DEPTH;

		private long largeValueThreshold = OutOfBand.DEFAULT_THRESHOLD;

		private long maxValueSize = OutOfBand.DEFAULT_MAX_VALUE_SIZE;

		private final Map<String, String> systemProperties = new LinkedHashMap<>();

		private List<String> arguments = List.of();

		private Duration restartBackoff = Duration.ofMillis(100);

		private Duration maxRestartBackoff = Duration.ofSeconds(10);

		private int crashLoopThreshold = 5;

		private @Nullable Long dataSizeLimit;

		private @Nullable Duration cpuTimeLimit;

		private @Nullable Integer openFilesLimit;

		private boolean coreDumps;

		private Builder(String name) {
			this.name = name;
		}

		/** Workers kept running, started in parallel when the pool starts. Default 1. */
		public Builder minWorkers(int minWorkers) {
			this.minWorkers = minWorkers;
			return this;
		}

		/**
		 * Most workers the pool grows to under load. Default 4, whatever the number of
		 * CPUs, as each worker is a JVM with its own heap.
		 */
		public Builder maxWorkers(int maxWorkers) {
			this.maxWorkers = maxWorkers;
			return this;
		}

		/**
		 * Idle workers kept started beyond the busy ones while any call runs or waits,
		 * within {@code max-workers}, like PHP-FPM's {@code pm.min_spare_servers}: the
		 * call after a crash, or the next one of a burst, takes a warm worker while the
		 * replacement starts in the background. With no call in flight the pool keeps
		 * {@code min-workers} (so a pool with {@code min-workers} 0 starts nothing before
		 * its first call), and spares above that stop after {@code idle-timeout} like any
		 * worker above the minimum. 0 starts workers only for calls that find none idle.
		 * Default 1.
		 */
		public Builder spareWorkers(int spareWorkers) {
			this.spareWorkers = spareWorkers;
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
			this.launch.jvmArguments(arguments);
			return this;
		}

		/** The Java installation for workers. Default: the application's own. */
		public Builder javaHome(@Nullable Path javaHome) {
			this.launch.javaHome(javaHome);
			return this;
		}

		/**
		 * Add system properties that each worker sets before it makes its services.
		 * @see WorkerPoolSettings#systemProperties()
		 */
		public Builder systemProperties(Map<String, String> properties) {
			this.systemProperties.putAll(properties);
			return this;
		}

		/**
		 * Set the arguments for the workers' {@link ServiceFactory}.
		 * @see WorkerPoolSettings#arguments()
		 */
		public Builder arguments(List<String> arguments) {
			this.arguments = List.copyOf(arguments);
			return this;
		}

		/**
		 * Whether workers inherit the application's environment variables. Default true.
		 */
		public Builder inheritEnvironment(boolean inheritEnvironment) {
			this.launch.inheritEnvironment(inheritEnvironment);
			return this;
		}

		/** Add environment variables of the workers. */
		public Builder environment(Map<String, String> environment) {
			environment.forEach(this.launch::environment);
			return this;
		}

		/** The workers' working directory. Default: the application's. */
		public Builder workingDirectory(@Nullable Path workingDirectory) {
			this.launch.workingDirectory(workingDirectory);
			return this;
		}

		/**
		 * Whether workers use the start-up cache (a class-data archive trained on a whole
		 * worker, kept across restarts), and where it lives. Default: on, in
		 * {@code <java.io.tmpdir>/ceramic-<uid>}.
		 * @see ProcOptions.Builder#startupCacheDirectory(Path)
		 */
		public Builder startupCache(boolean enabled, @Nullable Path directory) {
			this.launch.startupCache(enabled).startupCacheDirectory(directory);
			return this;
		}

		/** How worker command lines are built. Default: the application's classpath. */
		public Builder launchMode(@Nullable LaunchMode launchMode) {
			this.launch.launchMode(launchMode);
			return this;
		}

		/**
		 * Start workers with these options, replacing the launch settings given so far.
		 * The pool still names each worker and sets its start-up timeout and close grace
		 * from {@link #startupTimeout(Duration)} and {@link #shutdownGrace(Duration)}.
		 */
		public Builder launch(ProcOptions launch) {
			this.launch = launch.toBuilder();
			return this;
		}

		/** The factory that makes the services inside each worker. */
		public Builder serviceFactory(Class<? extends ServiceFactory> serviceFactory) {
			this.serviceFactory = serviceFactory;
			return this;
		}

		/** Largest message in bytes, either way, at most 2 GiB. Default 64 MiB. */
		public Builder maxFrameSize(long maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * Size from which {@code byte[]} and {@code ByteBuffer} values, anywhere in an
		 * argument or result, travel in shared memory rather than in the channel's
		 * frames, so that {@code max-frame-size} does not limit them. Default 256 KiB.
		 */
		public Builder largeValueThreshold(long largeValueThreshold) {
			this.largeValueThreshold = largeValueThreshold;
			return this;
		}

		/**
		 * Largest {@code byte[]} or {@code ByteBuffer} value that travels in shared
		 * memory, at most 2 GiB. Default 1 GiB.
		 */
		public Builder maxValueSize(long maxValueSize) {
			this.maxValueSize = maxValueSize;
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
		 * Most private writable memory, in bytes, each worker may map: the kernel's
		 * RLIMIT_DATA, which counts the heap the JVM has committed, its metaspace, code
		 * cache and thread stacks, and every native allocation; allocations past it fail.
		 * Default none.
		 */
		public Builder dataSizeLimit(@Nullable Long bytes) {
			this.dataSizeLimit = bytes;
			return this;
		}

		/**
		 * Most CPU time each worker may use over its whole life, start-up included,
		 * rounded up to whole seconds; the kernel then ends it with SIGXCPU. Default
		 * none.
		 */
		public Builder cpuTimeLimit(@Nullable Duration cpuTime) {
			this.cpuTimeLimit = cpuTime;
			return this;
		}

		/** Most files each worker may have open at once. Default none. */
		public Builder openFilesLimit(@Nullable Integer openFiles) {
			this.openFilesLimit = openFiles;
			return this;
		}

		/**
		 * Whether workers may write core files as inherited ({@code true}) or never
		 * ({@code false}). Default false: a core file holds the worker's memory, secrets
		 * included.
		 */
		public Builder coreDumps(boolean coreDumps) {
			this.coreDumps = coreDumps;
			return this;
		}

		/**
		 * Check the settings and build them.
		 * @return the settings
		 * @throws InvalidSettingsException naming every invalid setting
		 */
		public WorkerPoolSettings build() {
			Violations check = new Violations(this.name);
			check.require(this.name != null && !this.name.isBlank(), "name", "must not be blank", this.name);
			boolean minValid = check.require(this.minWorkers >= 0, "min-workers", "must not be negative",
					this.minWorkers);
			boolean maxValid = check.require(this.maxWorkers >= 1, "max-workers", "must be at least 1",
					this.maxWorkers);
			if (minValid && maxValid) {
				check.require(this.minWorkers <= this.maxWorkers, "min-workers", (names) -> "must not be greater than "
						+ names.apply("max-workers") + " (" + this.maxWorkers + ")", this.minWorkers);
			}
			check.require(this.spareWorkers >= 0, "spare-workers", "must not be negative (0 keeps no spare)",
					this.spareWorkers);
			check.require(!this.acquireTimeout.isNegative(), "acquire-timeout", "must not be negative",
					this.acquireTimeout);
			check.require(this.maxQueuedCalls >= 0, "max-queued-calls", "must not be negative", this.maxQueuedCalls);
			check.requirePositive(this.callTimeout, "call-timeout");
			check.require(this.maxCallsPerWorker >= 0, "max-calls-per-worker",
					"must not be negative (0 means no limit)", this.maxCallsPerWorker);
			check.requirePositive(this.idleTimeout, "idle-timeout");
			check.require(this.maxWorkerMemory >= 0, "max-worker-memory", "must not be negative (0 means no limit)",
					this.maxWorkerMemory);
			check.requirePositive(this.startupTimeout, "startup-timeout");
			check.require(!this.shutdownGrace.isNegative(), "shutdown-grace", "must not be negative",
					this.shutdownGrace);
			check.require(this.maxFrameSize >= 1024, "max-frame-size", "must be at least 1024 bytes",
					this.maxFrameSize);
			check.require(this.maxFrameSize <= Integer.MAX_VALUE, "max-frame-size",
					"must be at most " + Integer.MAX_VALUE + " bytes", this.maxFrameSize);
			check.require(this.largeValueThreshold >= 1, "large-value-threshold", "must be at least 1 byte",
					this.largeValueThreshold);
			check.require(this.maxValueSize >= 1, "max-value-size", "must be at least 1 byte", this.maxValueSize);
			check.require(this.maxValueSize <= Integer.MAX_VALUE, "max-value-size",
					"must be at most " + Integer.MAX_VALUE + " bytes", this.maxValueSize);
			check.require(this.maxNestingDepth >= 1, "max-nesting-depth", "must be at least 1", this.maxNestingDepth);
			if (check.requirePositive(this.restartBackoff, "restart-backoff")) {
				check.require(this.maxRestartBackoff.compareTo(this.restartBackoff) >= 0, "max-restart-backoff",
						(names) -> "must not be less than " + names.apply("restart-backoff"), this.maxRestartBackoff);
			}
			check.require(this.crashLoopThreshold >= 1, "crash-loop-threshold", "must be at least 1",
					this.crashLoopThreshold);
			if (this.dataSizeLimit != null) {
				check.require(this.dataSizeLimit > 0, Limits.DATA_SIZE,
						"must be positive (leave it unset for no limit)", this.dataSizeLimit);
			}
			if (this.cpuTimeLimit != null) {
				check.requirePositive(this.cpuTimeLimit, Limits.CPU_TIME);
			}
			if (this.openFilesLimit != null) {
				check.require(this.openFilesLimit > 0, Limits.OPEN_FILES,
						"must be positive (leave it unset for no limit)", this.openFilesLimit);
			}
			check.throwIfAny();
			return new WorkerPoolSettings(this);
		}

	}

}
