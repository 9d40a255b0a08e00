package dev.ceramic.spring.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthProperties;

/**
 * Ranks ceramic's {@code DEGRADED} status in the health endpoint's status order, between
 * {@code OUT_OF_SERVICE} and {@code UP}. Spring Boot's aggregator leaves out any status
 * its order does not name, so without this a degraded pool would make the {@code ceramic}
 * component {@code UNKNOWN} and leave the application {@code UP}. An order the
 * application configures ({@code management.endpoint.health.status.order}, and each
 * group's) keeps its own ranks, with {@code degraded} added just before {@code up} when
 * it is missing.
 */
final class DegradedStatusOrder implements BeanPostProcessor {

	/** Spring Boot's default order, with degraded. */
	static final List<String> DEFAULT_ORDER = List.of("down", "out-of-service", "degraded", "up", "unknown");

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HealthEndpointProperties properties) {
			List<String> order = properties.getStatus().getOrder();
			properties.getStatus().setOrder(order.isEmpty() ? DEFAULT_ORDER : withDegraded(order));
			for (HealthProperties group : properties.getGroup().values()) {
				List<String> groupOrder = group.getStatus().getOrder();
				if (!groupOrder.isEmpty()) {
					group.getStatus().setOrder(withDegraded(groupOrder));
				}
			}
		}
		return bean;
	}

	private static List<String> withDegraded(List<String> order) {
		if (order.stream().anyMatch((code) -> uniform(code).equals("degraded"))) {
			return order;
		}
		List<String> ranked = new ArrayList<>(order);
		int up = 0;
		while (up < ranked.size() && !uniform(ranked.get(up)).equals("up")) {
			up++;
		}
		ranked.add(up, "degraded");
		return ranked;
	}

	/** As Spring Boot compares status codes: letters and digits only, in lower case. */
	private static String uniform(String code) {
		return code.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
	}

}
