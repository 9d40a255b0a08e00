package dev.ceramic.spring.autoconfigure.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the problem details that ceramic's exceptions become in
 * Spring MVC and WebFlux applications.
 */
@ConfigurationProperties("ceramic.problem-details")
public class CeramicProblemDetailsProperties {

	/**
	 * Whether a crashed worker, a timed-out call and a rejected call are answered with
	 * RFC 9457 problem details (502, 504 and 503 with Retry-After). An application's own
	 * exception handlers for these exceptions take precedence either way.
	 */
	private boolean enabled = true;

	/**
	 * Whether problem details also carry the exception's message, the worker's last lines
	 * of standard error and its fatal error summary, which name files and may hold
	 * anything the worker printed. For development only.
	 */
	private boolean includeDiagnostics;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isIncludeDiagnostics() {
		return this.includeDiagnostics;
	}

	public void setIncludeDiagnostics(boolean includeDiagnostics) {
		this.includeDiagnostics = includeDiagnostics;
	}

}
