package dev.ceramic.channel;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.AbstractDeserializer;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.impl.TypeWrappedDeserializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Looks through a type the way Jackson would build a value of it: the type, then the
 * elements of arrays, collections and {@code Optional}s, the keys and values of maps, and
 * the properties of beans and records, asking Jackson at each step whether it can build
 * that part. A polymorphic type (with {@code @JsonTypeInfo}) is not looked into: its
 * subtypes are known only at run time.
 */
final class TypeSurvey {

	private final DeserializationContext context;

	private final Function<Class<?>, @Nullable String> refuse;

	private final Set<JavaType> seen = new HashSet<>();

	TypeSurvey(JsonMapper mapper, Function<Class<?>, @Nullable String> refuse) {
		this.context = mapper._deserializationContext();
		this.refuse = refuse;
	}

	@Nullable TypeObstacle survey(JavaType type, String path) {
		if (!this.seen.add(type)) {
			return null;
		}
		Class<?> raw = type.getRawClass();
		String refused = this.refuse.apply(raw);
		if (refused != null) {
			return new TypeObstacle(path, shortName(type), refused);
		}
		if (raw.isPrimitive() || raw == byte[].class || raw == Void.class) {
			return null;
		}
		if (type.isMapLikeType()) {
			JavaType key = type.getKeyType();
			try {
				this.context.findKeyDeserializer(key, null);
			}
			catch (JacksonException ex) {
				return new TypeObstacle(step(path, "a key of " + shortName(type)), shortName(key),
						"Jackson cannot read it from a JSON object's field name; use String or enum keys, "
								+ "or a List of records");
			}
			TypeObstacle inKey = survey(key, step(path, "a key of " + shortName(type)));
			return (inKey != null) ? inKey : survey(type.getContentType(), step(path, "a value of " + shortName(type)));
		}
		if (type.isContainerType() || type.isReferenceType()) {
			return survey(type.getContentType(), step(path, "an element of " + shortName(type)));
		}
		ValueDeserializer<Object> deserializer;
		try {
			deserializer = this.context.findRootValueDeserializer(type);
		}
		catch (JacksonException ex) {
			return new TypeObstacle(path, shortName(type), "Jackson cannot build it: " + ex.getOriginalMessage());
		}
		if (deserializer instanceof TypeWrappedDeserializer) {
			return null;
		}
		if (deserializer instanceof AbstractDeserializer || (deserializer instanceof BeanDeserializerBase bean
				&& type.isAbstract() && !bean.getValueInstantiator().canInstantiate())) {
			return new TypeObstacle(path, shortName(type), (type.isInterface() ? "an interface" : "an abstract class")
					+ " does not say which class to build; use a concrete type such as a record, or name its subtypes "
					+ "with @JsonTypeInfo(use = NAME) and @JsonSubTypes");
		}
		if (deserializer instanceof BeanDeserializerBase bean) {
			if (!bean.getValueInstantiator().canInstantiate()) {
				return new TypeObstacle(path, shortName(type),
						"Jackson finds no constructor to build it with; make it a record, or give it a "
								+ "no-argument constructor or a @JsonCreator");
			}
			TypeObstacle inProperties = surveyProperties(bean.creatorProperties(), type, path);
			return (inProperties != null) ? inProperties : surveyProperties(bean.properties(), type, path);
		}
		return null;
	}

	private @Nullable TypeObstacle surveyProperties(@Nullable Iterator<SettableBeanProperty> properties, JavaType owner,
			String path) {
		if (properties == null) {
			return null;
		}
		while (properties.hasNext()) {
			SettableBeanProperty property = properties.next();
			TypeObstacle obstacle = survey(property.getType(),
					step(path, owner.getRawClass().getSimpleName() + "." + property.getName()));
			if (obstacle != null) {
				return obstacle;
			}
		}
		return null;
	}

	private static String step(String path, String next) {
		return path.isEmpty() ? next : path + ", " + next;
	}

	/** A type in short form, such as {@code Map<String, List<Point>>}. */
	static String shortName(JavaType type) {
		if (type.isArrayType()) {
			return shortName(type.getContentType()) + "[]";
		}
		StringBuilder name = new StringBuilder(type.getRawClass().getSimpleName());
		int count = type.getBindings().size();
		if (count > 0) {
			name.append('<');
			for (int i = 0; i < count; i++) {
				name.append((i > 0) ? ", " : "").append(shortName(type.getBindings().getBoundType(i)));
			}
			name.append('>');
		}
		return name.toString();
	}

}
