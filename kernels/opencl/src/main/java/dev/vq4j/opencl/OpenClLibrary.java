package dev.vq4j.opencl;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds out, without touching JOCL, whether the OpenCL library JOCL would load is there. JOCL's class
 * initialiser dlopens {@code libOpenCL.so.1} and {@code libOpenCL.so} (on Linux), and when neither
 * loads its native code prints {@code Could not load libOpenCL.so.1, error ...} to the process's
 * stdout, where Java cannot catch it: on a machine without OpenCL every command that lists the
 * backends would end with those lines. So {@link OpenClDevices} asks here first and, when the library
 * is missing, never loads JOCL; the reason becomes the one line {@code vq4j info} prints.
 *
 * <p>With native access enabled for this module ({@code --enable-native-access=ALL-UNNAMED}, as the
 * {@code vq4j} command runs), the probe loads the library by name with the Foreign Function API, which
 * searches as the dynamic loader does (so as JOCL's dlopen will) and fails quietly. Without it (the
 * JDK would print a warning for that call), the probe looks for the files where the loader looks:
 * {@code LD_LIBRARY_PATH}, the directories of {@code /etc/ld.so.conf}, {@code /etc/ld.so.cache} and the
 * default directories. On other systems it answers "present" and leaves the rest to JOCL.
 *
 * <p>{@code -Dvq4j.opencl.library=NAME[,NAME]} makes the probe look for other file names than JOCL's
 * (tests use a name that does not exist to check that a machine without OpenCL stays quiet).
 */
final class OpenClLibrary {
    /** The names JOCL 2.0.6 tries on Linux (LibInitializer), in its order. */
    static final List<String> JOCL_LINUX_NAMES = List.of("libOpenCL.so.1", "libOpenCL.so");

    private OpenClLibrary() {}

    /** Null when the OpenCL library is there (or this is not Linux), else one sentence saying it is not. */
    static String missingReason() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        String names = System.getProperty("vq4j.opencl.library");
        List<String> candidates = names == null || names.isBlank() ? JOCL_LINUX_NAMES
                : List.of(names.strip().split("\\s*,\\s*"));
        return missingReason(candidates, OpenClLibrary.class.getModule().isNativeAccessEnabled());
    }

    static String missingReason(List<String> names, boolean mayLoad) {
        List<Path> dirs = searchDirectories();
        List<Path> found = new ArrayList<>();
        for (String name : names) {
            Path file = find(name, dirs);
            if (file != null) found.add(file);
        }
        if (mayLoad) {
            for (String name : names) if (loads(name)) return null;
        } else if (!found.isEmpty() || inLoaderCache(names)) {
            return null;
        }
        String list = String.join(" or ", names);
        String what = found.isEmpty()
                ? "the OpenCL library (" + list + ") is not installed"
                : "the OpenCL library does not load (" + found.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElseThrow()
                        + (found.size() == 1 ? " is" : " are") + " not a loadable library for this JVM)";
        return what + "; for OpenCL install an ICD loader and a driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd";
    }

    /** dlopen by name (the loader's own search), closed again at once; quiet on failure. */
    private static boolean loads(String name) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(name, arena);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | IllegalCallerException e) {
            return false;
        }
    }

    private static Path find(String name, List<Path> dirs) {
        if (name.contains("/")) return Files.isRegularFile(Path.of(name)) ? Path.of(name) : null;
        for (Path d : dirs) {
            Path f = d.resolve(name);
            if (Files.isRegularFile(f)) return f;
        }
        return null;
    }

    /** Whether /etc/ld.so.cache (the loader's index) names one of the libraries. */
    private static boolean inLoaderCache(List<String> names) {
        try {
            byte[] cache = Files.readAllBytes(Path.of("/etc/ld.so.cache"));
            String text = new String(cache, StandardCharsets.ISO_8859_1);
            for (String n : names) if (!n.contains("/") && text.contains(n + '\0')) return true;
        } catch (IOException | SecurityException e) {
            // no cache: the directory search decides
        }
        return false;
    }

    /** LD_LIBRARY_PATH, then the directories /etc/ld.so.conf lists (with its includes), then the defaults. */
    static List<Path> searchDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        readConf(Path.of("/etc/ld.so.conf"), dirs, 0);
        String triplet = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        for (String d : new String[] {"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"}) {
            if (triplet != null) dirs.add(Path.of(d, triplet));
            dirs.add(Path.of(d));
        }
        return List.copyOf(dirs);
    }

    private static void readConf(Path conf, Set<Path> dirs, int depth) {
        if (depth > 4) return;
        List<String> lines;
        try {
            lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("include ")) {
                String pattern = line.substring("include ".length()).strip();
                Path p = Path.of(pattern);
                Path dir = p.isAbsolute() ? p.getParent() : conf.getParent().resolve(p).getParent();
                if (dir == null) continue;
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p.getFileName().toString())) {
                    List<Path> files = new ArrayList<>();
                    ds.forEach(files::add);
                    files.sort(null);
                    for (Path f : files) readConf(f, dirs, depth + 1);
                } catch (IOException | SecurityException e) {
                    // an include that matches nothing
                }
            } else if (line.startsWith("/")) {
                dirs.add(Path.of(line.split("[\\s:=,]")[0]));
            }
        }
    }
}
