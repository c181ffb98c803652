package dev.vq4j.core.io;

/** A safetensors file that breaks the format; the message names the tensor or byte range at fault. */
public class SafeTensorsFormatException extends RuntimeException {
    public SafeTensorsFormatException(String message) {
        super(message);
    }
}
