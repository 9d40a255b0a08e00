package dev.ceramic.spring.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bound in the worker from the application's configuration.
 */
@ConfigurationProperties("greeting")
public class GreetingProperties {

	private String salutation = "Hi";

	public String getSalutation() {
		return this.salutation;
	}

	public void setSalutation(String salutation) {
		this.salutation = salutation;
	}

}
