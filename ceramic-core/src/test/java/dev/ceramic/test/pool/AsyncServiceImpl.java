package dev.ceramic.test.pool;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.sun.jna.Pointer;
import dev.ceramic.test.channel.TypedPoint;
import reactor.core.publisher.Mono;

/**
 * The implementation of {@link AsyncService}, run in worker JVMs.
 */
public class AsyncServiceImpl implements AsyncService {

	private static final AtomicLong calls = new AtomicLong();

	@Override
	public CompletableFuture<String> echo(String value) {
		calls.incrementAndGet();
		return CompletableFuture.completedFuture(value + "!");
	}

	@Override
	public CompletionStage<List<TypedPoint>> pointsLater(int count) {
		calls.incrementAndGet();
		return CompletableFuture.supplyAsync(
				() -> IntStream.range(0, count).mapToObj((i) -> new TypedPoint("p" + i, i, 2 * i)).toList(),
				CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
	}

	@Override
	public CompletableFuture<Void> nothing() {
		calls.incrementAndGet();
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<List<String>> resolveFails(String host) {
		calls.incrementAndGet();
		CompletableFuture<List<String>> future = new CompletableFuture<>();
		CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
			.execute(() -> future.completeExceptionally(new UnknownHostException(host + ": no such host")));
		return future;
	}

	@Override
	public CompletableFuture<Long> throwAtOnce(String message) {
		calls.incrementAndGet();
		throw new IllegalStateException(message);
	}

	@Override
	public CompletableFuture<Integer> segfault() {
		calls.incrementAndGet();
		return CompletableFuture.completedFuture(new Pointer(0).getInt(0));
	}

	@Override
	public CompletableFuture<Long> never() {
		calls.incrementAndGet();
		return new CompletableFuture<>();
	}

	@Override
	public CompletableFuture<Long> awaitFile(String path) {
		calls.incrementAndGet();
		return CompletableFuture.supplyAsync(() -> waitFor(path));
	}

	@Override
	public Mono<Long> monoPid() {
		calls.incrementAndGet();
		return Mono.fromSupplier(this::pid);
	}

	@Override
	public Mono<Integer> monoSegfault() {
		calls.incrementAndGet();
		return Mono.fromSupplier(() -> new Pointer(0).getInt(0));
	}

	@Override
	public Mono<Long> monoAwaitFile(String path) {
		calls.incrementAndGet();
		return Mono.fromSupplier(() -> waitFor(path));
	}

	private long waitFor(String path) {
		while (!Files.exists(Path.of(path))) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return pid();
	}

	@Override
	public long calls() {
		return calls.get();
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

}
