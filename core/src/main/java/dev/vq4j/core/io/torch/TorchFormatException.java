package dev.vq4j.core.io.torch;

/** A PyTorch checkpoint or pickle that is malformed, unsafe or unsupported; the message says where and why. */
public class TorchFormatException extends RuntimeException {
    public TorchFormatException(String message) {
        super(message);
    }
}
