package dev.ceramic.spring.sample;

/**
 * A service interface for the starter's tests.
 */
public interface Greeter {

	String greet(String name);

	long pid();

	String initializedIn();

	String activeProfiles();

	void crash();

}
