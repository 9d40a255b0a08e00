package dev.ceramic.spring.autoconfigure.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code ceramic} endpoint. Its crash messages and last
 * errors hold what workers wrote to standard error and the paths of fatal error logs, so
 * they are shown like the health endpoint's details: never, unless configured otherwise.
 */
@ConfigurationProperties("management.endpoint.ceramic")
public class CeramicEndpointProperties {

	/**
	 * When to show each pool's last crash and each worker's last error, which hold the
	 * workers' last lines of standard error and the paths of fatal error logs. When not
	 * shown they are null; counts, states and pids are always shown.
	 */
	private Show showDetails = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to be shown details. When
	 * empty, all authenticated users are authorized.
	 */
	private Set<String> roles = new LinkedHashSet<>();

	public Show getShowDetails() {
		return this.showDetails;
	}

	public void setShowDetails(Show showDetails) {
		this.showDetails = showDetails;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
