package dev.ceramic.test.pool;

/**
 * A service interface that tests compile other versions of at run time, to put a worker
 * whose classpath holds another version of it in front of the application.
 */
public interface Versioned {

	/**
	 * Describe something.
	 * @param level how much detail
	 * @return the description
	 */
	String describe(int level);

	/**
	 * Return the source of a version of this interface with other methods; with
	 * {@code "String describe(int level);"} it has the same methods as this one.
	 * @param methods the method declarations
	 * @return the source
	 */
	static String sourceWith(String methods) {
		return "package dev.ceramic.test.pool;\n\npublic interface Versioned {\n\n" + methods + "\n\n}\n";
	}

}
