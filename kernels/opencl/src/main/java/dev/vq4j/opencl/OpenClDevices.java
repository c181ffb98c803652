package dev.vq4j.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL devices of this machine, numbered across platforms in platform order
 * ({@code opencl:0} is the first device of the first platform), and why there are none when
 * the driver or library is missing. JOCL is not touched when {@link OpenClLibrary} finds no OpenCL
 * library (its native code would print the failure to stdout).
 */
public final class OpenClDevices {
    /** One device: its platform, its handle, and a description for {@code vq4j info}. */
    public record Entry(int index, cl_platform_id platform, cl_device_id device, String platformName, String deviceName,
                        String version, long globalMemory, int computeUnits) {
        public String describe() {
            return String.format("opencl:%d  %s / %s (%s, %d compute units, %.1f GiB)", index, platformName, deviceName,
                    version, computeUnits, globalMemory / (1024.0 * 1024 * 1024));
        }
    }

    private static volatile List<Entry> devices;
    private static volatile String unavailable;

    private OpenClDevices() {}

    /** Null when at least one device exists, else why not (library, driver or device missing). */
    public static String unavailableReason() {
        list();
        return unavailable;
    }

    public static synchronized List<Entry> list() {
        if (devices != null) return devices;
        List<Entry> found = new ArrayList<>();
        String missing = OpenClLibrary.missingReason();
        if (missing != null) { // JOCL would print its own failure to stdout: do not load it at all
            unavailable = missing;
            return devices = List.of();
        }
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                CL.clGetPlatformIDs(0, null, n);
            } catch (org.jocl.CLException e) {
                n[0] = 0; // CL_PLATFORM_NOT_FOUND_KHR: an ICD loader without any driver
            }
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            if (n[0] > 0) CL.clGetPlatformIDs(n[0], platforms, null);
            for (cl_platform_id p : platforms) {
                int[] nd = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, nd);
                } catch (org.jocl.CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND
                }
                cl_device_id[] ds = new cl_device_id[nd[0]];
                CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, nd[0], ds, null);
                for (cl_device_id d : ds)
                    found.add(new Entry(found.size(), p, d, platformString(p, CL.CL_PLATFORM_NAME), deviceString(d, CL.CL_DEVICE_NAME),
                            deviceString(d, CL.CL_DEVICE_VERSION), deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                            (int) deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS)));
            }
            unavailable = found.isEmpty() ? "no OpenCL platform has a device (install a driver, e.g. Debian's pocl-opencl-icd for the CPU)" : null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            unavailable = "the OpenCL library could not be loaded (" + e.getMessage()
                    + "); install an ICD loader and a driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd";
        } catch (RuntimeException e) {
            unavailable = "OpenCL failed to list its devices: " + e.getMessage();
        }
        devices = List.copyOf(found);
        return devices;
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static long deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0] & 0xffffffffL;
    }
}
