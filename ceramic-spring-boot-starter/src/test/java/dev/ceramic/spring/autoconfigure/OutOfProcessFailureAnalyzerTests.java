package dev.ceramic.spring.autoconfigure;

import dev.ceramic.spring.fixtures.abstractclass.AbstractClassFixtures;
import dev.ceramic.spring.fixtures.abstractclass.AbstractEchoService;
import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.blankpool.BlankPoolFixtures;
import dev.ceramic.spring.fixtures.component.ComponentFixtures;
import dev.ceramic.spring.fixtures.component.ComponentService;
import dev.ceramic.spring.fixtures.duplicate.DuplicateFixtures;
import dev.ceramic.spring.fixtures.duplicate.FirstShared;
import dev.ceramic.spring.fixtures.duplicate.SecondShared;
import dev.ceramic.spring.fixtures.duplicate.Shared;
import dev.ceramic.spring.fixtures.nointerface.Lonely;
import dev.ceramic.spring.fixtures.nointerface.NoInterfaceFixtures;
import dev.ceramic.spring.fixtures.oninterface.Annotated;
import dev.ceramic.spring.fixtures.oninterface.OnInterfaceFixtures;
import dev.ceramic.spring.fixtures.stereotype.StereotypeFixtures;
import dev.ceramic.spring.fixtures.stereotype.StereotypeService;
import dev.ceramic.spring.fixtures.untravelled.Uploads;
import dev.ceramic.spring.fixtures.untravelled.UntravelledFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link OutOfProcessFailureAnalyzer}: each misconfiguration fails the start-up
 * of a context, and the analysis of that failure says what is wrong and what to change.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutOfProcessFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withPropertyValues("ceramic.defaults.min-workers=0");

	@Test
	void whenClassIsAlsoAComponentThenTheAnalysisSaysToRemoveTheAnnotation() {
		FailureAnalysis analysis = analyzeStartupFailure(ComponentFixtures.class);
		assertThat(analysis.getDescription()).isEqualTo("The @OutOfProcess class " + ComponentService.class.getName()
				+ " is also a Spring component of the application (@Component, @Service or similar), so it would be "
				+ "loaded and run inside the application, which is what @OutOfProcess exists to prevent.");
		assertThat(analysis.getAction()).startsWith(
				"Remove @Component/@Service (or the stereotype annotation) from " + ComponentService.class.getName());
	}

	@Test
	void whenClassIsAComponentThroughAStereotypeThenTheAnalysisSaysToRemoveTheAnnotation() {
		FailureAnalysis analysis = analyzeStartupFailure(StereotypeFixtures.class);
		assertThat(analysis.getDescription())
			.startsWith("The @OutOfProcess class " + StereotypeService.class.getName() + " is also a Spring component");
		assertThat(analysis.getAction()).startsWith("Remove @Component/@Service");
	}

	@Test
	void whenTwoClassesOfOnePoolImplementTheSameInterfaceThenTheAnalysisSaysToSeparateThem() {
		FailureAnalysis analysis = analyzeStartupFailure(DuplicateFixtures.class);
		assertThat(analysis.getDescription()).contains(FirstShared.class.getName())
			.contains(SecondShared.class.getName())
			.contains("implement " + Shared.class.getName() + " in pool 'shared'");
		assertThat(analysis.getAction()).startsWith("Move one of them to another pool");
	}

	@Test
	void whenClassImplementsNoInterfaceThenTheAnalysisSaysToDeclareOne() {
		FailureAnalysis analysis = analyzeStartupFailure(NoInterfaceFixtures.class);
		assertThat(analysis.getDescription()).isEqualTo("The @OutOfProcess class " + Lonely.class.getName()
				+ " implements no service interface, so there is nothing the application could call it through.");
		assertThat(analysis.getAction()).isEqualTo(
				"Declare an interface with the methods to call, let Lonely implement it, and inject that interface.");
	}

	@Test
	void whenAnnotationIsOnAnAbstractClassThenTheAnalysisSaysToMoveItToTheImplementation() {
		FailureAnalysis analysis = analyzeStartupFailure(AbstractClassFixtures.class);
		assertThat(analysis.getDescription()).isEqualTo("@OutOfProcess is on " + AbstractEchoService.class.getName()
				+ ", which is abstract; it must be on the concrete class that implements the service.");
		assertThat(analysis.getAction())
			.isEqualTo("Move @OutOfProcess to the implementation class, and inject the interface where you call it.");
	}

	@Test
	void whenAnnotationIsOnTheServiceInterfaceThenTheAnalysisSaysToMoveItToTheImplementation() {
		FailureAnalysis analysis = analyzeStartupFailure(OnInterfaceFixtures.class);
		assertThat(analysis.getDescription()).isEqualTo("@OutOfProcess is on " + Annotated.class.getName()
				+ ", which is an interface; it must be on the concrete class that implements the service.");
		assertThat(analysis.getAction()).startsWith("Move @OutOfProcess to the implementation class");
	}

	@Test
	void whenPoolNameIsBlankThenTheAnalysisSaysToNameIt() {
		FailureAnalysis analysis = analyzeStartupFailure(BlankPoolFixtures.class);
		assertThat(analysis.getDescription()).endsWith("names a blank pool.");
		assertThat(analysis.getAction())
			.isEqualTo("Give @OutOfProcess(pool = ...) a name, and configure it under ceramic.pools.<name>.");
	}

	@Test
	void whenAStartupFailureIsNotCeramicsThenTheAnalyzerLeavesItToOthers() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.pools.echo.max-workers=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new OutOfProcessFailureAnalyzer().analyze(context.getStartupFailure())).isNull();
			});
	}

	@Test
	void whenAnApplicationFailsToStartThenSpringBootReportsTheAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(ComponentFixtures.class, CeramicAutoConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The @OutOfProcess class " + ComponentService.class.getName() + " is also a Spring component")
			.contains("Action:")
			.contains("Remove @Component/@Service");
	}

	@Test
	void whenPoolSettingsAreInvalidThenSpringBootReportsTheKeyToChange(CapturedOutput output) {
		SpringApplication application = new SpringApplication(BasicFixtures.class, CeramicAutoConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(
				() -> application.run("--ceramic.pools.echo.min-workers=3", "--ceramic.pools.echo.max-workers=2"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(
					"ceramic.pools.echo.min-workers must not be greater than ceramic.pools.echo.max-workers (2), but was 3")
			.contains("Action:");
	}

	@Test
	void whenServiceMethodsTakeOrReturnWhatCannotTravelThenStartupFailsNamingEachWithWhatToUseInstead() {
		FailureAnalysis analysis = analyzeStartupFailure(UntravelledFixtures.class);
		assertThat(analysis.getDescription()).isEqualTo("The @OutOfProcess services of pool 'uploads' have 2 "
				+ "parameters or results that cannot travel as JSON between the application and a worker:\n    "
				+ Uploads.class.getName() + ".export(String, OutputStream)\n        parameter 2 (out), OutputStream: "
				+ "a stream is written where it was opened and cannot travel as JSON; return the bytes as a byte[] "
				+ "instead\n    " + Uploads.class.getName() + ".later()\n        return type, Future<String>: a method "
				+ "may return CompletableFuture<T>, CompletionStage<T> or Reactor's Mono<T>, and nothing else "
				+ "asynchronous, nor a future anywhere else; return CompletableFuture<T>");
		assertThat(analysis.getAction()).startsWith("Change each method listed to take and return types that travel")
			.contains("CompletableFuture<T>, CompletionStage<T> or Mono<T>")
			.contains("default method");
	}

	@Test
	void whenServiceMethodsCannotTravelThenSpringBootReportsThemBeforeAnyWorkerStarts(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UntravelledFixtures.class,
				CeramicAutoConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--ceramic.defaults.min-workers=1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(Uploads.class.getName() + ".export(String, OutputStream)")
			.contains("parameter 2 (out), OutputStream: a stream is written")
			.contains("Action:")
			.doesNotContain("ceramic.proc.uploads");
	}

	private FailureAnalysis analyzeStartupFailure(Class<?> configuration) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.contextRunner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new OutOfProcessFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("the analysis of the start-up failure").isNotNull();
		assertThat(analysis[0].getCause()).isInstanceOf(OutOfProcessConfigurationException.class);
		return analysis[0];
	}

}
