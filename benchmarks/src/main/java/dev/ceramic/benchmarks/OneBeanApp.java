package dev.ceramic.benchmarks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The smallest Spring Boot application: one bean. The Spring start-up section runs it
 * with {@code -Dspring.context.exit=onRefresh} and times it to its exit, without and with
 * Spring Boot's documented class data sharing recipe.
 */
@SpringBootApplication
public class OneBeanApp {

	@Bean
	Greeting greeting() {
		return new Greeting("hello");
	}

	public static void main(String[] args) {
		SpringApplication.run(OneBeanApp.class, args);
	}

	/** The one bean. */
	record Greeting(String text) {
	}

}
