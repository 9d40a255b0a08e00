package dev.ceramic.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import dev.ceramic.test.BehaviourPointRepository;
import dev.ceramic.test.BehaviourPointRepositoryImpl;
import dev.ceramic.test.BehaviourPools;
import dev.ceramic.test.BehaviourService;
import dev.ceramic.test.BehaviourServiceImpl;
import dev.ceramic.test.Calculator;
import dev.ceramic.test.Calculator.Point;
import dev.ceramic.test.CalculatorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.BehaviourPools.settings;
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
			.service(BehaviourService.class, BehaviourServiceImpl.class)
			.service(Calculator.class, CalculatorService.class)
			.service(BehaviourPointRepository.class, BehaviourPointRepositoryImpl.class)
			.build();
		pool.start();
		assertThat(pool.awaitReady(BehaviourPools.PATIENCE)).isTrue();
	}

	@AfterAll
	static void stopPool() {
		pool.close();
	}

	@Test
	void eachServiceOfAPoolIsServedByItsOwnImplementationInTheSameWorker() {
		BehaviourService behaviour = pool.proxy(BehaviourService.class);
		Calculator calculator = pool.proxy(Calculator.class);
		assertThat(calculator.add(2, 3)).isEqualTo(5);
		assertThat(behaviour.echo(7)).isEqualTo(7);
		assertThat(behaviour.pid()).isEqualTo(calculator.pid()).isNotEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void objectMethodsAreAnsweredLocally() {
		BehaviourService service = pool.proxy(BehaviourService.class);
		BehaviourService another = pool.proxy(BehaviourService.class);
		long callsBefore = callsServed();
		assertThat(service.toString())
			.isEqualTo("ceramic proxy for " + BehaviourService.class.getName() + " in pool 'proxies'");
		assertThat(service.equals(service)).isTrue();
		assertThat(service.equals(another)).isFalse();
		assertThat(service.equals(null)).isFalse();
		assertThat(service.hashCode()).isEqualTo(System.identityHashCode(service));
		assertThat(callsServed()).isEqualTo(callsBefore);
	}

	@Test
	void objectMethodsWorkOnAPoolThatTakesNoCalls() {
		WorkerPool closed = BehaviourPools.build(settings("proxies-closed").minWorkers(0).build());
		BehaviourService service = closed.proxy(BehaviourService.class);
		closed.close();
		assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN));
		assertThat(service.toString()).contains("'proxies-closed'");
		assertThat(service.hashCode()).isEqualTo(System.identityHashCode(service));
		assertThat(service.equals(service)).isTrue();
	}

	@Test
	void defaultMethodsRunLocallyAndCallTheWorker() {
		BehaviourService service = pool.proxy(BehaviourService.class);
		assertThat(service.callerPid()).isEqualTo(ProcessHandle.current().pid());
		long callsBefore = callsServed();
		assertThat(service.echoTwiceAndAdd(21)).isEqualTo(42);
		assertThat(callsServed()).isEqualTo(callsBefore + 2);
	}

	@Test
	void methodsInheritedFromAGenericInterfaceKeepTheirTypes() {
		BehaviourPointRepository repository = pool.proxy(BehaviourPointRepository.class);
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
			.withMessageContaining(BehaviourService.class.getName())
			.withMessageContaining(Calculator.class.getName());
	}

	@Test
	void aMethodOutsideTheServiceIsAnUnexpectedInvocation() throws Throwable {
		// A proxy's handler only ever sees the interface's methods; call it directly with
		// others, as a broken caller could through reflection.
		BehaviourService service = pool.proxy(BehaviourService.class);
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
		assertThat(handler.invoke(service, BehaviourService.class.getMethod("echo", int.class), new Object[] { 5 }))
			.isEqualTo(5);
	}

	private static long callsServed() {
		return pool.snapshot(false).workers().stream().mapToLong(PoolSnapshot.WorkerSnapshot::callsServed).sum();
	}

}
