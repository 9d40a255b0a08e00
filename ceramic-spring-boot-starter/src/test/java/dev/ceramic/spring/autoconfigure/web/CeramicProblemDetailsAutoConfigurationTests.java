package dev.ceramic.spring.autoconfigure.web;

import java.util.Map;

import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the problem details for ceramic's exceptions are configured, and when they back
 * off.
 */
class CeramicProblemDetailsAutoConfigurationTests {

	private static final AutoConfigurations configurations = AutoConfigurations
		.of(CeramicProblemDetailsAutoConfiguration.class);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(configurations)
		.withBean(CeramicPools.class, () -> new CeramicPools(Map.of()));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(configurations)
		.withBean(CeramicPools.class, () -> new CeramicPools(Map.of()));

	@Test
	void isAnAutoConfigurationOfTheStarter() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(CeramicProblemDetailsAutoConfiguration.class.getName());
	}

	@Test
	void aServletApplicationGetsTheHandler() {
		this.servlet.run((context) -> assertThat(context).hasSingleBean(CeramicExceptionHandler.class));
	}

	@Test
	void aReactiveApplicationGetsTheHandler() {
		this.reactive.run((context) -> assertThat(context).hasSingleBean(CeramicExceptionHandler.class));
	}

	@Test
	void anApplicationThatIsNoWebApplicationDoesNot() {
		new ApplicationContextRunner().withConfiguration(configurations)
			.withBean(CeramicPools.class, () -> new CeramicPools(Map.of()))
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
	}

	@Test
	void aServletApplicationWithoutSpringMvcDoesNot() {
		this.servlet.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
	}

	@Test
	void aReactiveApplicationWithoutWebFluxDoesNot() {
		this.reactive.withClassLoader(new FilteredClassLoader(DispatcherHandler.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
	}

	@Test
	void withoutPoolsThereIsNothingToHandle() {
		new WebApplicationContextRunner().withConfiguration(configurations)
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
	}

	@Test
	void thePropertyTurnsItOff() {
		this.servlet.withPropertyValues("ceramic.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
		this.reactive.withPropertyValues("ceramic.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicExceptionHandler.class));
	}

	@Test
	void diagnosticsAreLeftOutUnlessAsked() {
		this.servlet.run((context) -> assertThat(context.getBean(CeramicProblemDetailsProperties.class))
			.returns(true, CeramicProblemDetailsProperties::isEnabled)
			.returns(false, CeramicProblemDetailsProperties::isIncludeDiagnostics));
		this.servlet.withPropertyValues("ceramic.problem-details.include-diagnostics=true")
			.run((context) -> assertThat(context.getBean(CeramicProblemDetailsProperties.class).isIncludeDiagnostics())
				.isTrue());
	}

	@Test
	void anApplicationsOwnHandlerBeanReplacesIt() {
		CeramicExceptionHandler own = new CeramicExceptionHandler(new CeramicPools(Map.of()), true);
		this.servlet.withBean("ownHandler", CeramicExceptionHandler.class, () -> own)
			.run((context) -> assertThat(context.getBean(CeramicExceptionHandler.class)).isSameAs(own));
	}

}
