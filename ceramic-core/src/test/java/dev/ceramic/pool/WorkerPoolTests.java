package dev.ceramic.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import dev.ceramic.test.pool.Calculator;
import dev.ceramic.test.pool.Calculator.Blob;
import dev.ceramic.test.pool.Calculator.Label;
import dev.ceramic.test.pool.Calculator.Point;
import dev.ceramic.test.pool.CalculatorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Calls through a proxy into real worker JVMs: values, generics, bytes, exceptions, local
 * methods.
 */
@Timeout(60)
class WorkerPoolTests {

	private static WorkerPool pool;

	private static Calculator calculator;

	@BeforeAll
	static void startPool() {
		pool = WorkerPool.builder(WorkerPoolSettings.builder("calc").minWorkers(1).maxWorkers(2).build())
			.service(Calculator.class, CalculatorService.class)
			.build();
		pool.start();
		assertThat(pool.awaitReady(Duration.ofSeconds(30))).isTrue();
		calculator = pool.proxy(Calculator.class);
	}

	@AfterAll
	static void stopPool() {
		pool.close();
	}

	@Test
	void callsRunInAWorkerProcess() {
		assertThat(calculator.add(2, 3)).isEqualTo(5);
		assertThat(calculator.pid()).isNotEqualTo(ProcessHandle.current().pid())
			.isIn(pool.snapshot().workers().stream().map(PoolSnapshot.WorkerSnapshot::pid).toList());
	}

	@Test
	void genericArgumentsAndResultsKeepTheirTypes() {
		List<Point> scaled = calculator.scale(List.of(new Point(1, 2), new Point(3, 4)), 10);
		assertThat(scaled).containsExactly(new Point(10, 20), new Point(30, 40));
		assertThat(scaled.get(0)).isInstanceOf(Point.class);
	}

	@Test
	void byteArraysTravelWhole() {
		assertThat(calculator.reverse(new byte[] { 1, 2, 3 })).containsExactly(3, 2, 1);
		Blob blob = calculator.echoBlob(new Blob("b", new byte[] { 9, 8 }));
		assertThat(blob.name()).isEqualTo("b!");
		assertThat(blob.data()).containsExactly(9, 8);
	}

	@Test
	void aDeclaredExceptionComesBackAsItself() {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> calculator.fail("disk on fire"))
			.withMessage("disk on fire")
			.satisfies((ex) -> assertThat(ex.getStackTrace()[0].getClassName())
				.isEqualTo(CalculatorService.class.getName()));
	}

	@Test
	void anUndeclaredCustomExceptionComesBackAsRemoteServiceException() {
		assertThatExceptionOfType(RemoteServiceException.class).isThrownBy(() -> calculator.failUndeclared("oops"))
			.satisfies((ex) -> {
				assertThat(ex.remoteClassName()).isEqualTo(CalculatorService.class.getName() + "$CustomFailure");
				assertThat(ex.poolName()).isEqualTo("calc");
				assertThat(ex.workerPid()).isPresent();
				assertThat(ex.getMessage()).contains("oops").contains("calc");
			});
	}

	@Test
	void aStackOverflowComesBackAsAnExceptionAndTheWorkerSurvives() {
		long pid = calculator.pid();
		assertThatExceptionOfType(RemoteServiceException.class).isThrownBy(() -> calculator.recurse(10_000_000))
			.satisfies((ex) -> assertThat(ex.remoteClassName()).isEqualTo(StackOverflowError.class.getName()));
		assertThat(calculator.pid()).isEqualTo(pid);
		assertThat(calculator.add(1, 1)).isEqualTo(2);
	}

	@Test
	void defaultAndObjectMethodsRunLocally() {
		assertThat(calculator.addTwice(1, 2)).isEqualTo(5);
		assertThat(calculator.toString()).contains(Calculator.class.getName()).contains("'calc'");
		assertThat(calculator).isEqualTo(calculator);
		assertThat(calculator.hashCode()).isEqualTo(System.identityHashCode(calculator));
	}

	@Test
	void anArgumentThatCannotBeEncodedFailsBeforeAnythingIsSentNamingTheParameter() {
		long callsBefore = totalCallsServed();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> calculator.describe(new Label("unreadable")))
			.withMessageContaining("Parameter 0 ('value') of Calculator.describe(Label)");
		assertThat(totalCallsServed()).isEqualTo(callsBefore);
		assertThat(calculator.describe(new Label("text"))).isEqualTo("label text");
	}

	private static long totalCallsServed() {
		return pool.snapshot().workers().stream().mapToLong(PoolSnapshot.WorkerSnapshot::callsServed).sum();
	}

}
