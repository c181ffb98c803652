package dev.vq4j.core.io;

/** YAML that {@link Yaml} cannot read: malformed, or outside the supported subset. The message starts with the line number. */
public class YamlFormatException extends RuntimeException {
    public YamlFormatException(String message) {
        super(message);
    }
}
