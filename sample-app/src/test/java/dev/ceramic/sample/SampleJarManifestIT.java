package dev.ceramic.sample;

import java.io.IOException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executable jar that {@code package} built allows native access, so that JDK 22 and
 * later start it without "restricted method" warnings for junixsocket's and JNA's native
 * libraries. The JDK reads the attribute only from the main manifest of the jar given to
 * {@code java -jar}, so it must survive Spring Boot's repackaging.
 */
class SampleJarManifestIT {

	@Test
	void theExecutableJarAllowsNativeAccessToTheClasspath() throws IOException {
		try (JarFile jar = new JarFile(SampleAppProcess.JAR.toFile())) {
			Attributes main = jar.getManifest().getMainAttributes();
			assertThat(main.getValue("Main-Class")).as("started by Spring Boot's launcher")
				.startsWith("org.springframework.boot.loader.");
			assertThat(main.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
		}
	}

}
