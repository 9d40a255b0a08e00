package dev.ceramic.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.ceramic.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * How a child process is started. Build one with {@link #builder()}; every setting has a
 * default that suits a child of the current JVM.
 */
public final class ProcOptions {

	/** The default time a child may take from launch to running its entry class. */
	public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The default time {@link Proc#close()} waits for the child to exit before killing
	 * it.
	 */
	public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(2);

	private final @Nullable String name;

	private final @Nullable Path javaHome;

	private final Path javaExecutable;

	private final List<String> jvmArguments;

	private final Map<String, String> systemProperties;

	private final boolean inheritEnvironment;

	private final Map<String, String> environment;

	private final Set<String> removedEnvironment;

	private final @Nullable Path workingDirectory;

	private final Duration startupTimeout;

	private final Duration closeGrace;

	private final LaunchMode launchMode;

	private final boolean startupCache;

	private final @Nullable Path startupCacheDirectory;

	private final ResourceLimits limits;

	private final Level errorOutputLevel;

	private ProcOptions(Builder builder) {
		this.name = builder.name;
		this.javaHome = builder.javaHome;
		this.javaExecutable = (builder.javaExecutable != null) ? builder.javaExecutable
				: (builder.javaHome != null) ? javaIn(builder.javaHome) : currentJava();
		this.jvmArguments = List.copyOf(builder.jvmArguments);
		this.systemProperties = Map.copyOf(builder.systemProperties);
		this.inheritEnvironment = builder.inheritEnvironment;
		this.environment = Map.copyOf(builder.environment);
		this.removedEnvironment = Set.copyOf(builder.removedEnvironment);
		this.workingDirectory = builder.workingDirectory;
		this.startupTimeout = builder.startupTimeout;
		this.closeGrace = builder.closeGrace;
		this.launchMode = (builder.launchMode != null) ? builder.launchMode : LaunchMode.currentClasspath();
		this.startupCache = builder.startupCache;
		this.startupCacheDirectory = builder.startupCacheDirectory;
		this.limits = builder.limits;
		this.errorOutputLevel = builder.errorOutputLevel;
	}

	/**
	 * Return the default options.
	 * @return the defaults
	 */
	public static ProcOptions defaults() {
		return builder().build();
	}

	/**
	 * Start building options.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the path of the running JVM's {@code java} executable.
	 * @return the path
	 */
	public static Path currentJava() {
		return javaIn(Path.of(System.getProperty("java.home")));
	}

	private static Path javaIn(Path javaHome) {
		return javaHome.resolve("bin").resolve("java");
	}

	/**
	 * Start building options from these ones.
	 * @return a builder holding these options
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.name = this.name;
		builder.javaHome = this.javaHome;
		builder.javaExecutable = (this.javaHome != null) ? null : this.javaExecutable;
		builder.jvmArguments.addAll(this.jvmArguments);
		builder.systemProperties.putAll(this.systemProperties);
		builder.inheritEnvironment = this.inheritEnvironment;
		builder.environment.putAll(this.environment);
		builder.removedEnvironment.addAll(this.removedEnvironment);
		builder.workingDirectory = this.workingDirectory;
		builder.startupTimeout = this.startupTimeout;
		builder.closeGrace = this.closeGrace;
		builder.launchMode = this.launchMode;
		builder.startupCache = this.startupCache;
		builder.startupCacheDirectory = this.startupCacheDirectory;
		builder.limits = this.limits;
		builder.errorOutputLevel = this.errorOutputLevel;
		return builder;
	}

	public @Nullable String name() {
		return this.name;
	}

	/**
	 * Return the Java installation set with {@link Builder#javaHome(Path)}.
	 * @return the installation, or {@code null} when the executable was set directly or
	 * is the running JVM's
	 */
	public @Nullable Path javaHome() {
		return this.javaHome;
	}

	public Path javaExecutable() {
		return this.javaExecutable;
	}

	public List<String> jvmArguments() {
		return this.jvmArguments;
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

	public Set<String> removedEnvironment() {
		return this.removedEnvironment;
	}

	public @Nullable Path workingDirectory() {
		return this.workingDirectory;
	}

	public Duration startupTimeout() {
		return this.startupTimeout;
	}

	public Duration closeGrace() {
		return this.closeGrace;
	}

	public LaunchMode launchMode() {
		return this.launchMode;
	}

	public boolean startupCache() {
		return this.startupCache;
	}

	/**
	 * Return where the start-up cache lives.
	 * @return the directory, or {@code null} for {@code <java.io.tmpdir>/ceramic-<uid>}
	 */
	public @Nullable Path startupCacheDirectory() {
		return this.startupCacheDirectory;
	}

	public ResourceLimits limits() {
		return this.limits;
	}

	/**
	 * Return the level at which the child's standard error is logged.
	 * @return the level, {@link Level#WARN} unless set
	 */
	public Level errorOutputLevel() {
		return this.errorOutputLevel;
	}

	/**
	 * Builds {@link ProcOptions}.
	 */
	public static final class Builder {

		private @Nullable String name;

		private @Nullable Path javaHome;

		private @Nullable Path javaExecutable;

		private final List<String> jvmArguments = new ArrayList<>();

		private final Map<String, String> systemProperties = new LinkedHashMap<>();

		private boolean inheritEnvironment = true;

		private final Map<String, String> environment = new LinkedHashMap<>();

		private final Set<String> removedEnvironment = new LinkedHashSet<>();

		private @Nullable Path workingDirectory;

		private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

		private Duration closeGrace = DEFAULT_CLOSE_GRACE;

		private @Nullable LaunchMode launchMode;

		private boolean startupCache = true;

		private @Nullable Path startupCacheDirectory;

		private ResourceLimits limits = ResourceLimits.none();

		private Level errorOutputLevel = Level.WARN;

		private Builder() {
		}

		/**
		 * Set the name of the process, used in its logger name and in errors. Defaults to
		 * the entry class's simple name.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * Set the {@code java} executable. Defaults to the running JVM's.
		 * @param javaExecutable the executable
		 * @return this builder
		 */
		public Builder javaExecutable(Path javaExecutable) {
			this.javaExecutable = javaExecutable;
			this.javaHome = null;
			return this;
		}

		/**
		 * Set the Java installation whose {@code bin/java} runs the child. Defaults to
		 * the running JVM's.
		 * @param javaHome the installation, or {@code null} for the running JVM's
		 * @return this builder
		 */
		public Builder javaHome(@Nullable Path javaHome) {
			this.javaHome = javaHome;
			this.javaExecutable = null;
			return this;
		}

		/**
		 * Add JVM options, such as {@code -Xmx64m}.
		 * @param arguments the options
		 * @return this builder
		 */
		public Builder jvmArguments(String... arguments) {
			this.jvmArguments.addAll(List.of(arguments));
			return this;
		}

		/**
		 * Add JVM options.
		 * @param arguments the options
		 * @return this builder
		 */
		public Builder jvmArguments(List<String> arguments) {
			this.jvmArguments.addAll(arguments);
			return this;
		}

		/**
		 * Put JVM options before those added so far, so that those can override them.
		 * @param arguments the options
		 * @return this builder
		 */
		public Builder jvmArgumentsFirst(String... arguments) {
			this.jvmArguments.addAll(0, List.of(arguments));
			return this;
		}

		/**
		 * Set a system property of the child.
		 * @param key the key
		 * @param value the value
		 * @return this builder
		 */
		public Builder systemProperty(String key, String value) {
			this.systemProperties.put(key, value);
			return this;
		}

		/**
		 * Set whether the child starts with this process's environment variables.
		 * Defaults to {@code true}.
		 * @param inherit whether to inherit
		 * @return this builder
		 */
		public Builder inheritEnvironment(boolean inherit) {
			this.inheritEnvironment = inherit;
			return this;
		}

		/**
		 * Set an environment variable of the child.
		 * @param key the name
		 * @param value the value
		 * @return this builder
		 */
		public Builder environment(String key, String value) {
			this.environment.put(key, value);
			this.removedEnvironment.remove(key);
			return this;
		}

		/**
		 * Remove an inherited environment variable from the child's environment.
		 * @param key the name
		 * @return this builder
		 */
		public Builder removeEnvironment(String key) {
			this.removedEnvironment.add(key);
			this.environment.remove(key);
			return this;
		}

		/**
		 * Set the child's working directory. Defaults to this process's.
		 * @param directory the directory, or {@code null} for this process's
		 * @return this builder
		 */
		public Builder workingDirectory(@Nullable Path directory) {
			this.workingDirectory = directory;
			return this;
		}

		/**
		 * Set how long the child may take from launch until its entry class runs.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder startupTimeout(Duration timeout) {
			this.startupTimeout = requirePositive(timeout, "startupTimeout");
			return this;
		}

		/**
		 * Set the level at which the child's standard error is logged, line by line.
		 * Defaults to {@link Level#WARN}: a child writes there what went wrong. A child
		 * whose JVM writes there as a matter of course (a training run that makes a
		 * start-up archive) is better logged lower.
		 * @param level the level
		 * @return this builder
		 */
		public Builder errorOutputLevel(Level level) {
			this.errorOutputLevel = Objects.requireNonNull(level, "level");
			return this;
		}

		/**
		 * Set how long {@link Proc#close()} waits for the child to exit before killing
		 * it.
		 * @param grace the grace period
		 * @return this builder
		 */
		public Builder closeGrace(Duration grace) {
			if (grace.isNegative()) {
				throw new IllegalArgumentException(
						"closeGrace must not be negative, but was " + Durations.format(grace));
			}
			this.closeGrace = grace;
			return this;
		}

		/**
		 * Set how the child's command line is built. Defaults to this JVM's classpath.
		 * @param launchMode the launch mode, or {@code null} for this JVM's classpath
		 * @return this builder
		 */
		public Builder launchMode(@Nullable LaunchMode launchMode) {
			this.launchMode = launchMode;
			return this;
		}

		/**
		 * Set whether children share start-up work instead of each doing it again.
		 * Defaults to {@code true}. When on, this JVM extracts junixsocket's native
		 * library once into a private temporary directory and children load it from
		 * there; and, when the child's classpath is all jar files, the first start
		 * launches one short extra JVM in the background that writes a class data sharing
		 * archive ({@code -XX:ArchiveClassesAtExit}) of the classes a child loads to
		 * start, which later children map ({@code -XX:SharedArchiveFile}) instead of
		 * loading and verifying those classes again. The directory is deleted when this
		 * JVM exits. On this project's benchmark machine that roughly halved the time
		 * from {@code Proc.start} to a child's first message.
		 * @param startupCache whether to share start-up work
		 * @return this builder
		 */
		public Builder startupCache(boolean startupCache) {
			this.startupCache = startupCache;
			return this;
		}

		/**
		 * Set where the start-up cache lives: a directory of this user's alone, made
		 * owner-only (mode 0700) when it does not exist, and refused with one warning
		 * when group or others can write it or another user owns it. Defaults to
		 * {@code <java.io.tmpdir>/ceramic-<uid>}. What outlives the application there
		 * (class-data archives of whole workers, unpacked executable jars) is shared by
		 * this user's applications and pruned when unused for two weeks.
		 * @param directory the directory, or {@code null} for the default
		 * @return this builder
		 */
		public Builder startupCacheDirectory(@Nullable Path directory) {
			this.startupCacheDirectory = directory;
			return this;
		}

		/**
		 * Set the limits the kernel enforces on the child. Defaults to none: the child
		 * inherits this process's. With any limit set, {@code /bin/sh} sets them and then
		 * becomes the JVM, which costs a few milliseconds per start.
		 * @param limits the limits
		 * @return this builder
		 */
		public Builder limits(ResourceLimits limits) {
			this.limits = limits;
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 */
		public ProcOptions build() {
			return new ProcOptions(this);
		}

		private static Duration requirePositive(Duration duration, String name) {
			if (duration.isZero() || duration.isNegative()) {
				throw new IllegalArgumentException(name + " must be positive, but was " + Durations.format(duration));
			}
			return duration;
		}

	}

}
