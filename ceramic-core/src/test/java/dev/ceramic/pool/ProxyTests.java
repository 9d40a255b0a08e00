package dev.ceramic.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import dev.ceramic.test.pool.Calculator;
import dev.ceramic.test.pool.Calculator.Point;
import dev.ceramic.test.pool.CalculatorService;
import dev.ceramic.test.pool.PointRepository;
import dev.ceramic.test.pool.PointRepositoryImpl;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import dev.ceramic.test.pool.TestServiceImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Proxies: interface methods go to a worker, {@code Object}'s and default methods run in
 * the caller, and nothing else can be invoked.
 */
@Timeout(120)
class ProxyTests {

	private static WorkerPool pool;

	@BeforeAll
	static void startPool() {
		WorkerPoolSettings settings = settings("proxies").minWorkers(1).maxWorkers(1).build();
		pool = WorkerPool.builder(settings)
			.service(TestService.class, TestServiceImpl.class)
			.service(Calculator.class, CalculatorService.class)
			.service(PointRepository.class, PointRepositoryImpl.class)
			.build();
		pool.start();
		assertThat(pool.awaitReady(TestPools.PATIENCE)).isTrue();
	}

	@AfterAll
	static void stopPool() {
		pool.close();
	}

	@Test
	void eachServiceOfAPoolIsServedByItsOwnImplementationInTheSameWorker() {
		TestService behaviour = pool.proxy(TestService.class);
		Calculator calculator = pool.proxy(Calculator.class);
		assertThat(calculator.add(2, 3)).isEqualTo(5);
		assertThat(behaviour.echo(7)).isEqualTo(7);
		assertThat(behaviour.pid()).isEqualTo(calculator.pid()).isNotEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void objectMethodsAreAnsweredLocally() {
		TestService service = pool.proxy(TestService.class);
		TestService another = pool.proxy(TestService.class);
		long callsBefore = callsServed();
		assertThat(service.toString())
			.isEqualTo("ceramic proxy for " + TestService.class.getName() + " in pool 'proxies'");
		assertThat(service.equals(service)).isTrue();
		assertThat(service.equals(another)).isFalse();
		assertThat(service.equals(null)).isFalse();
		assertThat(service.hashCode()).isEqualTo(System.identityHashCode(service));
		assertThat(callsServed()).isEqualTo(callsBefore);
	}

	@Test
	void objectMethodsWorkOnAPoolThatTakesNoCalls() {
		WorkerPool closed = TestPools.build(settings("proxies-closed").minWorkers(0).build());
		TestService service = closed.proxy(TestService.class);
		closed.close();
		assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN));
		assertThat(service.toString()).contains("'proxies-closed'");
		assertThat(service.hashCode()).isEqualTo(System.identityHashCode(service));
		assertThat(service.equals(service)).isTrue();
	}

	@Test
	void defaultMethodsRunLocallyAndCallTheWorker() {
		TestService service = pool.proxy(TestService.class);
		assertThat(service.callerPid()).isEqualTo(ProcessHandle.current().pid());
		long callsBefore = callsServed();
		assertThat(service.echoTwiceAndAdd(21)).isEqualTo(42);
		assertThat(callsServed()).isEqualTo(callsBefore + 2);
	}

	@Test
	void methodsInheritedFromAGenericInterfaceKeepTheirTypes() {
		PointRepository repository = pool.proxy(PointRepository.class);
		assertThat(repository.mirror(new Point(1, 2))).isEqualTo(new Point(2, 1));
		Point found = repository.find(3);
		assertThat(found).isEqualTo(new Point(3, -3));
		assertThat(repository.store(new Point(4, 5))).isEqualTo(new Point(4, 5));
		List<Point> all = repository.findAll(List.of(1, 2));
		assertThat(all).containsExactly(new Point(1, -1), new Point(2, -2));
		assertThat(all.get(0)).isInstanceOf(Point.class);
	}

	@Test
	void anInterfaceThePoolDoesNotServeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> pool.proxy(Runnable.class))
			.withMessageContaining("Pool 'proxies' has no service java.lang.Runnable")
			.withMessageContaining(TestService.class.getName())
			.withMessageContaining(Calculator.class.getName());
	}

	@Test
	void aMethodOutsideTheServiceIsAnUnexpectedInvocation() throws Throwable {
		// A proxy's handler only ever sees the interface's methods; call it directly with
		// others, as a broken caller could through reflection.
		TestService service = pool.proxy(TestService.class);
		InvocationHandler handler = Proxy.getInvocationHandler(service);
		long callsBefore = callsServed();
		Method foreign = Runnable.class.getMethod("run");
		assertThatIllegalStateException().isThrownBy(() -> handler.invoke(service, foreign, null))
			.withMessage("Unexpected method invocation: " + foreign);
		Method ofAnotherService = Calculator.class.getMethod("pid");
		assertThatIllegalStateException().isThrownBy(() -> handler.invoke(service, ofAnotherService, null))
			.withMessage("Unexpected method invocation: " + ofAnotherService);
		Method clone = Object.class.getDeclaredMethod("clone");
		assertThatIllegalStateException().isThrownBy(() -> handler.invoke(service, clone, null))
			.withMessage("Unexpected method invocation: " + clone);
		assertThat(callsServed()).isEqualTo(callsBefore);
		assertThat(handler.invoke(service, TestService.class.getMethod("echo", int.class), new Object[] { 5 }))
			.isEqualTo(5);
	}

	private static long callsServed() {
		return pool.snapshot(false).workers().stream().mapToLong(PoolSnapshot.WorkerSnapshot::callsServed).sum();
	}

}
