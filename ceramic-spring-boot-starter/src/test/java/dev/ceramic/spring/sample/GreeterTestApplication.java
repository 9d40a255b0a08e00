package dev.ceramic.spring.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the starter's integration tests.
 */
@SpringBootApplication
public class GreeterTestApplication {

}
