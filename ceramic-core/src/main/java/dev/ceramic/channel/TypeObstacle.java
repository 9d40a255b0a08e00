package dev.ceramic.channel;

/**
 * What stops values of a type from being built from JSON, found by
 * {@link JsonCodec#obstacle(JsonCodec.MessageType, java.util.function.Function)}.
 *
 * @param path where in the type the obstacle is, such as {@code Upload.body} or
 * {@code an element of List<Upload>}; empty when it is the type itself
 * @param type the type that cannot travel, in short form, such as {@code InputStream}
 * @param reason why, and what to use instead
 */
public record TypeObstacle(String path, String type, String reason) {

}
