package dev.vq4j.models.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reading whole binary data files, gunzipping when the file starts with the gzip magic (1f 8b). */
final class DataFiles {
    private DataFiles() {}

    static byte[] readMaybeGzipped(Path file, String what) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + " " + file + ": no such file");
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (raw.length < 2 || (raw[0] & 255) != 0x1f || (raw[1] & 255) != 0x8b) return raw;
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
    }

    static int bigEndianInt(byte[] b, int offset) {
        return ((b[offset] & 255) << 24) | ((b[offset + 1] & 255) << 16) | ((b[offset + 2] & 255) << 8) | (b[offset + 3] & 255);
    }
}
