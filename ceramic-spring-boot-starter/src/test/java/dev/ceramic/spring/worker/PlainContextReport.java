package dev.ceramic.spring.worker;

import java.util.List;

/**
 * Made by the core's {@code ReflectiveServiceFactory}: no Spring in the worker.
 */
class PlainContextReport implements ContextReport {

	@Override
	public Report report() {
		return new Report(ProcessHandle.current().pid(), List.of());
	}

}
