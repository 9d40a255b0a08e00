package dev.ceramic.spring.sample;

import java.util.Arrays;

import dev.ceramic.spring.OutOfProcess;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;

/**
 * Runs in worker JVMs only. Its static initializer leaves a trace in whichever JVM
 * initializes the class, so tests can prove that the application never does.
 */
@OutOfProcess(pool = "greeting", configuration = GreeterConfiguration.class)
public class GreeterService implements Greeter {

	static final String INITIALIZED_PROPERTY = "ceramic.test.greeter-service.initialized-in";

	static {
		System.setProperty(INITIALIZED_PROPERTY, Long.toString(ProcessHandle.current().pid()));
	}

	private final GreetingProperties properties;

	private final String punctuation;

	private final Environment environment;

	public GreeterService(GreetingProperties properties, @Value("${greeting.punctuation:?}") String punctuation,
			Environment environment) {
		this.properties = properties;
		this.punctuation = punctuation;
		this.environment = environment;
	}

	@Override
	public String greet(String name) {
		return this.properties.getSalutation() + ", " + name + this.punctuation;
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public String initializedIn() {
		return System.getProperty(INITIALIZED_PROPERTY);
	}

	@Override
	public String activeProfiles() {
		return Arrays.toString(this.environment.getActiveProfiles());
	}

	@Override
	public void crash() {
		Runtime.getRuntime().halt(7);
	}

}
