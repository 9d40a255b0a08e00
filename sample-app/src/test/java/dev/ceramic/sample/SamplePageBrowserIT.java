package dev.ceramic.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at {@code /} in a real headless Chromium: crash a worker with the button and
 * watch the page show the restart and the new worker. Uses Debian's {@code chromium} and
 * {@code chromedriver} from their fixed paths, so that nothing is downloaded: Selenium
 * Manager does not run when the driver's path is given.
 */
class SamplePageBrowserIT {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOT = Path.of("target", "sample-page.png");

	private SampleAppProcess app;

	private ChromeDriverService service;

	private WebDriver browser;

	private Path profile;

	// Per test rather than per class, so that a missing browser skips the test itself
	// with its reason in the test report; a skipped class reports no reason.
	@BeforeEach
	void start() throws Exception {
		boolean browserInstalled = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		String missing = "SKIPPED: the browser test needs Debian's Chromium and its driver at " + CHROMIUM + " and "
				+ CHROMEDRIVER + "; install them with: apt-get install chromium chromium-driver";
		if (!browserInstalled) {
			// The build's console shows a skip only as a count: say why there too.
			System.err.println(missing);
		}
		Assumptions.assumeTrue(browserInstalled, missing);
		this.app = SampleAppProcess.start(Path.of("target", "sample-app-browser.log"));
		this.profile = Files.createTempDirectory("ceramic-chromium-profile");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// As root in a container: no sandbox, no GPU, and none of the background traffic
		// to hosts this network refuses. A fresh profile each run.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + this.profile, "--window-size=1280,1000");
		this.service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(Path.of("target", "chromedriver.log").toFile())
			.build();
		this.browser = new ChromeDriver(this.service, options);
	}

	@AfterEach
	void stop() throws Exception {
		try {
			if (this.browser != null) {
				this.browser.quit();
			}
			if (this.service != null) {
				this.service.stop();
			}
		}
		finally {
			if (this.app != null) {
				this.app.close();
			}
			if (this.profile != null) {
				deleteRecursively(this.profile);
			}
		}
	}

	@Test
	void crashButtonShowsARestartAndANewWorker() throws Exception {
		this.browser.get(this.app.uri("/").toString());
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(30), Duration.ofMillis(100));
		wait.until((page) -> workerPids().size() >= 2);
		long replacementsBefore = replacements();
		Set<Long> pidsBefore = workerPids();
		assertThat(this.app.runningWorkers().keySet()).as("running workers of the application, which the page lists")
			.containsAll(pidsBefore);

		this.browser.findElement(By.id("crash")).click();

		new WebDriverWait(this.browser, Duration.ofSeconds(60), Duration.ofMillis(100))
			.withMessage(() -> "the replacements counter to pass " + replacementsBefore + " and a pid not in "
					+ pidsBefore + " to appear")
			.until((page) -> replacements() > replacementsBefore && !difference(workerPids(), pidsBefore).isEmpty()
					&& responseShown().contains("HTTP 502"));
		assertThat(responseShown()).contains("POST /crash → HTTP 502").contains("Worker crashed").contains("SIGSEGV");
		Set<Long> newPids = difference(workerPids(), pidsBefore);
		assertThat(this.app.runningWorkers().keySet())
			.as("a new pid on the page is a running worker of the application")
			.containsAnyElementsOf(newPids);

		File screenshot = ((ChromeDriver) this.browser).getScreenshotAs(OutputType.FILE);
		Files.copy(screenshot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
		assertThat(Files.size(SCREENSHOT)).isPositive();
	}

	// The page redraws the pools every second, so an element found a moment ago may be
	// gone: read the counter and the rows in one script, which runs between redraws.

	private long replacements() {
		Object text = script(
				"const counter = document.getElementById('replacements-native'); return counter ? counter.textContent : null;");
		return (text != null) ? Long.parseLong(text.toString().trim()) : -1;
	}

	private String responseShown() {
		return String.valueOf(script("return document.getElementById('response').textContent;"));
	}

	private Set<Long> workerPids() {
		Set<Long> pids = new HashSet<>();
		Object rows = script(
				"return Array.from(document.querySelectorAll('tr.worker[data-pid]'), (row) => row.dataset.pid);");
		for (Object pid : (List<?>) rows) {
			pids.add(Long.parseLong(pid.toString()));
		}
		return pids;
	}

	private Object script(String script) {
		return ((JavascriptExecutor) this.browser).executeScript(script);
	}

	private static Set<Long> difference(Set<Long> these, Set<Long> those) {
		Set<Long> difference = new HashSet<>(these);
		difference.removeAll(those);
		return difference;
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (var paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
