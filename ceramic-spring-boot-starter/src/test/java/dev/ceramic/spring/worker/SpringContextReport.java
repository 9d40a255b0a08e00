package dev.ceramic.spring.worker;

import java.util.List;

import org.springframework.context.ApplicationContext;

/**
 * Made by {@link SpringServiceFactory}, as a bean of the worker's context.
 */
class SpringContextReport implements ContextReport {

	private final ApplicationContext context;

	SpringContextReport(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public Report report() {
		return new Report(ProcessHandle.current().pid(), List.of(this.context.getBeanDefinitionNames()));
	}

}
