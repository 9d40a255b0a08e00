package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.ceramic.test.pool.FaultyService;
import dev.ceramic.test.pool.FaultyServiceImpl;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.async;
import static dev.ceramic.test.pool.TestPools.deleteFatalErrorLog;
import static dev.ceramic.test.pool.TestPools.holdAWorker;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Spare workers: while calls run, the pool keeps {@code spare-workers} idle, started
 * workers beyond the busy ones, within {@code max-workers}, so that the call after a
 * crash takes a warm worker while the replacement starts; and the replacements of workers
 * lost together start together. Real worker JVMs, real signals; what is asserted is which
 * worker served a call and the order of events, never how long anything took.
 */
@Timeout(180)
class PoolSpareWorkersTests {

	@TempDir
	Path temp;

	@Test
	void aCallThatTakesTheLastIdleWorkerStartsASpare() throws Exception {
		TestPools.Events events = new TestPools.Events();
		try (WorkerPool pool = TestPools
			.start(settings("spare-one").minWorkers(1).maxWorkers(4).spareWorkers(1).build(), events)) {
			await("the first worker's event").until(() -> events.count(PoolEvent.Type.WORKER_STARTED) == 1);
			Path release = this.temp.resolve("release");
			CompletableFuture<Long> call = holdAWorker(pool, "holder", release);
			// The lease itself asked for the spare: it is starting or up already.
			PoolSnapshot held = pool.snapshot(false);
			assertThat(held.workers().size() + held.startingWorkers()).isEqualTo(2);
			await("the spare started").until(() -> events.count(PoolEvent.Type.WORKER_STARTED) == 2);
			await("the spare is idle").until(() -> pool.snapshot(false).idleWorkers() == 1);
			assertThat(workerProcesses("spare-one")).hasSize(2);
			Files.createFile(release);
			long served = call.get();
			assertThat(events.of(PoolEvent.Type.WORKER_STARTED).get(0).workerPid()).isEqualTo(served);
			// One spare, not one per call: the pool stays at two.
			assertThat(pool.snapshot(false).workers().size() + pool.snapshot(false).startingWorkers()).isEqualTo(2);
		}
	}

	@Test
	void withNoSparesACallStartsNoWorker() throws Exception {
		TestPools.Events events = new TestPools.Events();
		try (WorkerPool pool = TestPools
			.start(settings("spare-none").minWorkers(1).maxWorkers(4).spareWorkers(0).build(), events)) {
			Path release = this.temp.resolve("release");
			CompletableFuture<Long> call = holdAWorker(pool, "holder", release);
			PoolSnapshot held = pool.snapshot(false);
			assertThat(held.workers()).hasSize(1);
			assertThat(held.startingWorkers()).isZero();
			Files.createFile(release);
			call.get();
			assertThat(pool.proxy(TestService.class).pid()).isEqualTo(call.get());
			assertThat(pool.snapshot(false).workersStarted()).isEqualTo(1);
			assertThat(workerProcesses("spare-none")).hasSize(1);
		}
	}

	@Test
	void maxWorkersCapsTheSpares() throws Exception {
		try (WorkerPool pool = TestPools
			.start(settings("spare-capped").minWorkers(1).maxWorkers(2).spareWorkers(3).build())) {
			Path release = this.temp.resolve("release");
			TestService service = pool.proxy(TestService.class);
			List<CompletableFuture<Long>> calls = List.of(async("first", () -> service.awaitFile(release.toString())),
					async("second", () -> service.awaitFile(release.toString())));
			await("both workers are busy").until(() -> pool.snapshot(false).busyWorkers() == 2);
			// Two busy and three spares wanted, but max-workers is 2: nothing more
			// starts.
			PoolSnapshot busy = pool.snapshot(false);
			assertThat(busy.workers()).hasSize(2);
			assertThat(busy.startingWorkers()).isZero();
			assertThat(workerProcesses("spare-capped")).hasSize(2);
			Files.createFile(release);
			for (CompletableFuture<Long> call : calls) {
				call.get();
			}
			assertThat(pool.snapshot(false).workersStarted()).isEqualTo(2);
		}
	}

	@Test
	void theCallAfterASigkillDuringACallTakesTheWarmSpare() throws Exception {
		TestPools.Events events = new TestPools.Events();
		try (WorkerPool pool = faultyPool("spare-sigkill", 1, events)) {
			FaultyService service = pool.proxy(FaultyService.class);
			Path marker = this.temp.resolve("running");
			CompletableFuture<Long> doomed = async("doomed",
					() -> service.markAndSleep(marker.toString(), TestPools.PATIENCE.toMillis()));
			await("the call runs").until(() -> Files.exists(marker));
			await("the spare is up and idle").until(() -> pool.snapshot(false).idleWorkers() == 1);
			long busy = busyPid(pool);
			Set<Long> beforeCrash = pids(pool);
			ProcessHandle.of(busy).orElseThrow().destroyForcibly();
			Throwable crash = catchThrowable(doomed::get);
			assertThat(crash).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(WorkerCrashedException.class);
			assertServedByTheSpare(pool, service, events, busy, beforeCrash);
		}
	}

	@Test
	void theCallAfterASegfaultTakesTheWarmSpare() throws Exception {
		TestPools.Events events = new TestPools.Events();
		try (WorkerPool pool = faultyPool("spare-segv", 1, events)) {
			FaultyService service = pool.proxy(FaultyService.class);
			// A first call started the spare; once it is up, two warm workers are idle.
			service.pid();
			await("the spare is up").until(() -> pool.snapshot(false).idleWorkers() == 2);
			Set<Long> beforeCrash = pids(pool);
			WorkerCrashedException crash = (WorkerCrashedException) catchThrowable(service::segfault);
			assertThat(crash).isNotNull();
			deleteFatalErrorLog(crash.fatalErrorSummary());
			assertServedByTheSpare(pool, service, events, crash.workerPid().orElseThrow(), beforeCrash);
		}
	}

	/**
	 * The call after the crash went to a worker that was up before it, and no worker had
	 * started since: it waited for no launch. The replacement comes up afterwards.
	 */
	private static void assertServedByTheSpare(WorkerPool pool, FaultyService service, TestPools.Events events,
			long crashed, Set<Long> beforeCrash) {
		int startedBefore = events.count(PoolEvent.Type.WORKER_STARTED);
		long served = service.pid();
		List<PoolEvent> started = events.of(PoolEvent.Type.WORKER_STARTED);
		assertThat(served).isNotEqualTo(crashed).isIn(beforeCrash);
		assertThat(started.subList(0, startedBefore)).extracting(PoolEvent::workerPid).contains(served);
		await("the replacement started in the background")
			.until(() -> events.count(PoolEvent.Type.WORKER_STARTED) == startedBefore + 1);
		assertThat(pids(pool)).hasSize(2).contains(served).doesNotContain(crashed);
	}

	@Test
	void replacementsOfWorkersKilledTogetherStartInParallel() {
		// A backoff long beside a start: replacements that each waited one more doubling
		// (2 s, 4 s, 8 s) would come up one by one; started as one round, all three run
		// before the first greets.
		AtomicReference<Set<Long>> original = new AtomicReference<>(Set.of());
		AtomicInteger replacementsWhenFirstReady = new AtomicInteger(-1);
		AtomicInteger mostReplacements = new AtomicInteger();
		PoolListener listener = (event) -> {
			Set<Long> before = original.get();
			if (event.type() == PoolEvent.Type.WORKER_STARTED && !before.isEmpty()
					&& !before.contains(event.workerPid())) {
				int replacements = (int) workerProcesses("spare-round").stream()
					.filter((process) -> !before.contains(process.pid()))
					.count();
				replacementsWhenFirstReady.compareAndSet(-1, replacements);
				mostReplacements.accumulateAndGet(replacements, Math::max);
			}
		};
		WorkerPoolSettings three = settings("spare-round").minWorkers(3)
			.maxWorkers(3)
			.restartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(10))
			.build();
		try (WorkerPool pool = TestPools.start(three, listener)) {
			Set<Long> killed = Set.copyOf(pids(pool));
			assertThat(killed).hasSize(3);
			original.set(killed);
			killed.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
			await("three replacements").until(() -> {
				Set<Long> now = pids(pool);
				return now.size() == 3 && now.stream().noneMatch(killed::contains);
			});
			assertThat(pool.snapshot(false).crashes()).isEqualTo(3);
			assertThat(replacementsWhenFirstReady).hasValue(3);
			// Bounded by the workers missing: never more than three at once.
			assertThat(mostReplacements).hasValueLessThanOrEqualTo(3);
		}
	}

	private static long busyPid(WorkerPool pool) {
		return pool.snapshot(false)
			.workers()
			.stream()
			.filter(PoolSnapshot.WorkerSnapshot::busy)
			.findFirst()
			.orElseThrow()
			.pid();
	}

	private static WorkerPool faultyPool(String name, int spares, PoolListener listener) {
		WorkerPool pool = WorkerPool
			.builder(settings(name).minWorkers(1)
				.maxWorkers(4)
				.spareWorkers(spares)
				.callTimeout(TestPools.PATIENCE.multipliedBy(2))
				.build())
			.service(FaultyService.class, FaultyServiceImpl.class)
			.listener(listener)
			.build();
		pool.start();
		assertThat(pool.awaitReady(TestPools.PATIENCE)).isTrue();
		return pool;
	}

}
