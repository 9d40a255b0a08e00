package dev.ceramic.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ceramic.pool.WorkerPoolSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one worker pool, under {@code ceramic.pools.<name>}, or of all pools, under
 * {@code ceramic.defaults}. A setting a pool leaves unset is inherited from
 * {@code ceramic.defaults}, and from ceramic core's default when that is unset too. Maps
 * are merged key by key; lists are replaced.
 */
public class PoolProperties {

	/**
	 * Number of workers kept running, started in parallel when the application starts.
	 */
	private @Nullable Integer minWorkers;

	/**
	 * Maximum number of workers the pool grows to under load.
	 */
	private @Nullable Integer maxWorkers;

	/**
	 * Number of idle, started workers kept beyond the busy ones while any call runs or
	 * waits, within max-workers (like PHP-FPM's pm.min_spare_servers), so that the call
	 * after a crash or the next of a burst takes a warm worker while the replacement
	 * starts. With no call in flight the pool keeps min-workers; spares above that stop
	 * after idle-timeout. 0 starts a worker only for a call that finds none idle.
	 */
	private @Nullable Integer spareWorkers;

	/**
	 * How long a call waits for a free worker before it is rejected.
	 */
	private @Nullable Duration acquireTimeout;

	/**
	 * Maximum number of calls that may wait for a worker at once; further calls are
	 * rejected at once.
	 */
	private @Nullable Integer maxQueuedCalls;

	/**
	 * Deadline of each call. When it passes, the worker is killed and replaced, and the
	 * caller gets a CallTimeoutException.
	 */
	private @Nullable Duration callTimeout;

	/**
	 * Number of calls after which a worker is replaced (with 10% jitter), or 0 for never.
	 */
	private @Nullable Long maxCallsPerWorker;

	/**
	 * Idle time after which workers above min-workers stop.
	 */
	private @Nullable Duration idleTimeout;

	/**
	 * Resident memory past which a worker is replaced after its call, or 0 for no limit.
	 */
	private @Nullable DataSize maxWorkerMemory;

	/**
	 * How long a worker may take to start, Spring context included.
	 */
	private @Nullable Duration startupTimeout;

	/**
	 * How long calls in flight may run once the application context begins to close,
	 * before their workers are killed. Keep it below
	 * spring.lifecycle.timeout-per-shutdown-phase.
	 */
	private @Nullable Duration shutdownGrace;

	/**
	 * Options for the worker JVMs, such as -Xmx128m.
	 */
	private @Nullable List<String> jvmArgs;

	/**
	 * Java installation for the workers. Defaults to the application's own.
	 */
	private @Nullable Path javaHome;

	/**
	 * System properties that each worker sets before it makes its services. They reach
	 * the worker over its channel, never on its command line. Properties that the JVM
	 * reads as it boots belong in jvm-args.
	 */
	private @Nullable Map<String, String> systemProperties;

	/**
	 * Environment variables to set for the workers.
	 */
	private @Nullable Map<String, String> environment;

	/**
	 * Whether workers inherit the application's environment variables.
	 */
	private @Nullable Boolean inheritEnvironment;

	/**
	 * Working directory of the workers. Defaults to the application's.
	 */
	private @Nullable Path workingDirectory;

	/**
	 * Largest values of one call or result that travel in the channel's frames (the
	 * protocol's own headers are not counted).
	 */
	private @Nullable DataSize maxFrameSize;

	/**
	 * Size from which byte[] and ByteBuffer values travel in shared memory instead of the
	 * channel's frames.
	 */
	private @Nullable DataSize largeValueThreshold;

	/**
	 * Largest byte[] or ByteBuffer value that travels in shared memory.
	 */
	private @Nullable DataSize maxValueSize;

	/**
	 * Deepest nesting of objects and arrays in arguments and results.
	 */
	private @Nullable Integer maxNestingDepth;

	/**
	 * Limits the kernel enforces on each worker alone.
	 */
	private Limits limits = new Limits();

	/**
	 * Return the built-in defaults, which {@code ceramic.defaults} overrides: those of
	 * ceramic's core, read from a settings builder that was given nothing.
	 * @return the built-in defaults
	 */
	static PoolProperties builtInDefaults() {
		WorkerPoolSettings core = WorkerPoolSettings.builder("defaults").build();
		PoolProperties defaults = new PoolProperties();
		PropertyMapper map = PropertyMapper.get();
		map.from(core.sizing()::minWorkers).to(defaults::setMinWorkers);
		map.from(core.sizing()::maxWorkers).to(defaults::setMaxWorkers);
		map.from(core.sizing()::spareWorkers).to(defaults::setSpareWorkers);
		map.from(core.queue()::acquireTimeout).to(defaults::setAcquireTimeout);
		map.from(core.queue()::maxQueuedCalls).to(defaults::setMaxQueuedCalls);
		map.from(core::callTimeout).to(defaults::setCallTimeout);
		map.from(core.recycling()::maxCallsPerWorker).to(defaults::setMaxCallsPerWorker);
		map.from(core.sizing()::idleTimeout).to(defaults::setIdleTimeout);
		map.from(core.recycling()::maxWorkerMemory).as(DataSize::ofBytes).to(defaults::setMaxWorkerMemory);
		map.from(core::startupTimeout).to(defaults::setStartupTimeout);
		map.from(core::shutdownGrace).to(defaults::setShutdownGrace);
		map.from(core.launch()::jvmArguments).to(defaults::setJvmArgs);
		map.from(core.launch()::javaHome).to(defaults::setJavaHome);
		map.from(core::systemProperties).to(defaults::setSystemProperties);
		map.from(core.launch()::environment).to(defaults::setEnvironment);
		map.from(core.launch()::inheritEnvironment).to(defaults::setInheritEnvironment);
		map.from(core.launch()::workingDirectory).to(defaults::setWorkingDirectory);
		map.from(core::maxFrameSize).as(DataSize::ofBytes).to(defaults::setMaxFrameSize);
		map.from(core::largeValueThreshold).as(DataSize::ofBytes).to(defaults::setLargeValueThreshold);
		map.from(core::maxValueSize).as(DataSize::ofBytes).to(defaults::setMaxValueSize);
		map.from(core::maxNestingDepth).to(defaults::setMaxNestingDepth);
		map.from(core.limits()::coreDumps).to(defaults.limits::setCoreDumps);
		return defaults;
	}

	/**
	 * Return these settings with every unset one taken from {@code fallback}.
	 * @param fallback the settings to inherit from
	 * @return the merged settings
	 */
	PoolProperties inheritFrom(PoolProperties fallback) {
		PoolProperties merged = new PoolProperties();
		merged.minWorkers = pick(this.minWorkers, fallback.minWorkers);
		merged.maxWorkers = pick(this.maxWorkers, fallback.maxWorkers);
		merged.spareWorkers = pick(this.spareWorkers, fallback.spareWorkers);
		merged.acquireTimeout = pick(this.acquireTimeout, fallback.acquireTimeout);
		merged.maxQueuedCalls = pick(this.maxQueuedCalls, fallback.maxQueuedCalls);
		merged.callTimeout = pick(this.callTimeout, fallback.callTimeout);
		merged.maxCallsPerWorker = pick(this.maxCallsPerWorker, fallback.maxCallsPerWorker);
		merged.idleTimeout = pick(this.idleTimeout, fallback.idleTimeout);
		merged.maxWorkerMemory = pick(this.maxWorkerMemory, fallback.maxWorkerMemory);
		merged.startupTimeout = pick(this.startupTimeout, fallback.startupTimeout);
		merged.shutdownGrace = pick(this.shutdownGrace, fallback.shutdownGrace);
		merged.jvmArgs = pick(this.jvmArgs, fallback.jvmArgs);
		merged.javaHome = pick(this.javaHome, fallback.javaHome);
		merged.systemProperties = mergeMaps(fallback.systemProperties, this.systemProperties);
		merged.environment = mergeMaps(fallback.environment, this.environment);
		merged.inheritEnvironment = pick(this.inheritEnvironment, fallback.inheritEnvironment);
		merged.workingDirectory = pick(this.workingDirectory, fallback.workingDirectory);
		merged.maxFrameSize = pick(this.maxFrameSize, fallback.maxFrameSize);
		merged.largeValueThreshold = pick(this.largeValueThreshold, fallback.largeValueThreshold);
		merged.maxValueSize = pick(this.maxValueSize, fallback.maxValueSize);
		merged.maxNestingDepth = pick(this.maxNestingDepth, fallback.maxNestingDepth);
		merged.limits = this.limits.inheritFrom(fallback.limits);
		return merged;
	}

	/**
	 * Map these properties onto core settings; a property left unset keeps core's
	 * default. Core checks the values when the caller builds the settings.
	 * @param name the pool's name
	 * @return the settings builder, for the caller to add to
	 */
	WorkerPoolSettings.Builder toSettings(String name) {
		WorkerPoolSettings.Builder builder = WorkerPoolSettings.builder(name);
		PropertyMapper map = PropertyMapper.get();
		map.from(this.minWorkers).to(builder::minWorkers);
		map.from(this.maxWorkers).to(builder::maxWorkers);
		map.from(this.spareWorkers).to(builder::spareWorkers);
		map.from(this.acquireTimeout).to(builder::acquireTimeout);
		map.from(this.maxQueuedCalls).to(builder::maxQueuedCalls);
		map.from(this.callTimeout).to(builder::callTimeout);
		map.from(this.maxCallsPerWorker).to(builder::maxCallsPerWorker);
		map.from(this.idleTimeout).to(builder::idleTimeout);
		map.from(this.maxWorkerMemory).as(DataSize::toBytes).to(builder::maxWorkerMemory);
		map.from(this.startupTimeout).to(builder::startupTimeout);
		map.from(this.shutdownGrace).to(builder::shutdownGrace);
		map.from(this.jvmArgs).to(builder::jvmArguments);
		map.from(this.javaHome).to(builder::javaHome);
		map.from(this.systemProperties).to(builder::systemProperties);
		map.from(this.environment).to(builder::environment);
		map.from(this.inheritEnvironment).to(builder::inheritEnvironment);
		map.from(this.workingDirectory).to(builder::workingDirectory);
		map.from(this.maxFrameSize).as(DataSize::toBytes).to(builder::maxFrameSize);
		map.from(this.largeValueThreshold).as(DataSize::toBytes).to(builder::largeValueThreshold);
		map.from(this.maxValueSize).as(DataSize::toBytes).to(builder::maxValueSize);
		map.from(this.maxNestingDepth).to(builder::maxNestingDepth);
		map.from(this.limits.dataSize).as(DataSize::toBytes).to(builder::dataSizeLimit);
		map.from(this.limits.cpuTime).to(builder::cpuTimeLimit);
		map.from(this.limits.openFiles).to(builder::openFilesLimit);
		map.from(this.limits.coreDumps).to(builder::coreDumps);
		return builder;
	}

	private static <T> @Nullable T pick(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
	}

	private static Map<String, String> mergeMaps(@Nullable Map<String, String> base,
			@Nullable Map<String, String> override) {
		Map<String, String> merged = new LinkedHashMap<>();
		if (base != null) {
			merged.putAll(base);
		}
		if (override != null) {
			merged.putAll(override);
		}
		return merged;
	}

	public @Nullable Integer getMinWorkers() {
		return this.minWorkers;
	}

	public void setMinWorkers(@Nullable Integer minWorkers) {
		this.minWorkers = minWorkers;
	}

	public @Nullable Integer getMaxWorkers() {
		return this.maxWorkers;
	}

	public void setMaxWorkers(@Nullable Integer maxWorkers) {
		this.maxWorkers = maxWorkers;
	}

	public @Nullable Integer getSpareWorkers() {
		return this.spareWorkers;
	}

	public void setSpareWorkers(@Nullable Integer spareWorkers) {
		this.spareWorkers = spareWorkers;
	}

	public @Nullable Duration getAcquireTimeout() {
		return this.acquireTimeout;
	}

	public void setAcquireTimeout(@Nullable Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
	}

	public @Nullable Integer getMaxQueuedCalls() {
		return this.maxQueuedCalls;
	}

	public void setMaxQueuedCalls(@Nullable Integer maxQueuedCalls) {
		this.maxQueuedCalls = maxQueuedCalls;
	}

	public @Nullable Duration getCallTimeout() {
		return this.callTimeout;
	}

	public void setCallTimeout(@Nullable Duration callTimeout) {
		this.callTimeout = callTimeout;
	}

	public @Nullable Long getMaxCallsPerWorker() {
		return this.maxCallsPerWorker;
	}

	public void setMaxCallsPerWorker(@Nullable Long maxCallsPerWorker) {
		this.maxCallsPerWorker = maxCallsPerWorker;
	}

	public @Nullable Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public @Nullable DataSize getMaxWorkerMemory() {
		return this.maxWorkerMemory;
	}

	public void setMaxWorkerMemory(@Nullable DataSize maxWorkerMemory) {
		this.maxWorkerMemory = maxWorkerMemory;
	}

	public @Nullable Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(@Nullable Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public @Nullable Duration getShutdownGrace() {
		return this.shutdownGrace;
	}

	public void setShutdownGrace(@Nullable Duration shutdownGrace) {
		this.shutdownGrace = shutdownGrace;
	}

	public @Nullable List<String> getJvmArgs() {
		return this.jvmArgs;
	}

	public void setJvmArgs(@Nullable List<String> jvmArgs) {
		this.jvmArgs = (jvmArgs != null) ? new ArrayList<>(jvmArgs) : null;
	}

	public @Nullable Path getJavaHome() {
		return this.javaHome;
	}

	public void setJavaHome(@Nullable Path javaHome) {
		this.javaHome = javaHome;
	}

	public @Nullable Map<String, String> getSystemProperties() {
		return this.systemProperties;
	}

	public void setSystemProperties(@Nullable Map<String, String> systemProperties) {
		this.systemProperties = systemProperties;
	}

	public @Nullable Map<String, String> getEnvironment() {
		return this.environment;
	}

	public void setEnvironment(@Nullable Map<String, String> environment) {
		this.environment = environment;
	}

	public @Nullable Boolean getInheritEnvironment() {
		return this.inheritEnvironment;
	}

	public void setInheritEnvironment(@Nullable Boolean inheritEnvironment) {
		this.inheritEnvironment = inheritEnvironment;
	}

	public @Nullable Path getWorkingDirectory() {
		return this.workingDirectory;
	}

	public void setWorkingDirectory(@Nullable Path workingDirectory) {
		this.workingDirectory = workingDirectory;
	}

	public @Nullable DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(@Nullable DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public @Nullable DataSize getLargeValueThreshold() {
		return this.largeValueThreshold;
	}

	public void setLargeValueThreshold(@Nullable DataSize largeValueThreshold) {
		this.largeValueThreshold = largeValueThreshold;
	}

	public @Nullable DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(@Nullable DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public @Nullable Integer getMaxNestingDepth() {
		return this.maxNestingDepth;
	}

	public void setMaxNestingDepth(@Nullable Integer maxNestingDepth) {
		this.maxNestingDepth = maxNestingDepth;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public void setLimits(Limits limits) {
		this.limits = limits;
	}

	/**
	 * Limits the kernel enforces on each worker alone ({@code setrlimit}), set by
	 * {@code /bin/sh} before the worker's JVM starts, as soft and hard limits. A worker
	 * that passes one ends, the caller gets a WorkerCrashedException that names the
	 * limit, and the pool replaces the worker. Unset limits are inherited from the
	 * application.
	 */
	public static class Limits {

		/**
		 * Most private writable memory a worker may map (RLIMIT_DATA): its committed heap
		 * (up to -Xmx), metaspace, code cache, thread stacks and every native allocation.
		 * An allocation past it fails, and the worker ends. Leave room above -Xmx: a
		 * worker maps about 50MB (serial collector) to 110MB (G1) besides its heap.
		 */
		private @Nullable DataSize dataSize;

		/**
		 * Most CPU time a worker may use over its whole life, start-up included, in whole
		 * seconds (RLIMIT_CPU); the kernel then ends it with SIGXCPU. Recycling
		 * (max-calls-per-worker) starts the count again with a new worker.
		 */
		private @Nullable Duration cpuTime;

		/**
		 * Most files (and sockets) a worker may have open at once (RLIMIT_NOFILE);
		 * opening more fails that call, and the worker keeps serving.
		 */
		private @Nullable Integer openFiles;

		/**
		 * Whether workers may write core files, as far as the application's own limit
		 * allows. Off by default, since a core file holds the worker's memory, secrets
		 * included: their core file size limit is then 0.
		 */
		private @Nullable Boolean coreDumps;

		Limits inheritFrom(Limits fallback) {
			Limits merged = new Limits();
			merged.dataSize = pick(this.dataSize, fallback.dataSize);
			merged.cpuTime = pick(this.cpuTime, fallback.cpuTime);
			merged.openFiles = pick(this.openFiles, fallback.openFiles);
			merged.coreDumps = pick(this.coreDumps, fallback.coreDumps);
			return merged;
		}

		public @Nullable DataSize getDataSize() {
			return this.dataSize;
		}

		public void setDataSize(@Nullable DataSize dataSize) {
			this.dataSize = dataSize;
		}

		public @Nullable Duration getCpuTime() {
			return this.cpuTime;
		}

		public void setCpuTime(@Nullable Duration cpuTime) {
			this.cpuTime = cpuTime;
		}

		public @Nullable Integer getOpenFiles() {
			return this.openFiles;
		}

		public void setOpenFiles(@Nullable Integer openFiles) {
			this.openFiles = openFiles;
		}

		public @Nullable Boolean getCoreDumps() {
			return this.coreDumps;
		}

		public void setCoreDumps(@Nullable Boolean coreDumps) {
			this.coreDumps = coreDumps;
		}

	}

}
