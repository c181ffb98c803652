package dev.vq4j.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.vq4j.cuda.CudaCheck.check;

/**
 * The CUDA devices of this machine in the driver's order ({@code cuda:0} is device 0), and why
 * the backend is unavailable when it is: no PTX in the jar, JCuda's native library or the
 * driver's {@code libcuda.so.1} missing, {@code cuInit} failing, or no device.
 */
public final class CudaDevices {
    /** One device, with what {@code vq4j info} shows and what picks its PTX (the compute capability). */
    public record Entry(int index, CUdevice device, String name, long totalMemory, int major, int minor,
                        int multiprocessors, int driverVersion) {
        public String describe() {
            return String.format("cuda:%d  %s (compute capability %d.%d, %d SMs, %.1f GiB, driver API %d.%d)", index, name,
                    major, minor, multiprocessors, totalMemory / (1024.0 * 1024 * 1024), driverVersion / 1000, driverVersion % 1000 / 10);
        }
    }

    private static volatile List<Entry> devices;
    private static volatile String unavailable;

    private CudaDevices() {}

    /** Null when the backend can run on cuda:0, else one sentence saying what is missing. */
    public static String unavailableReason() {
        list();
        return unavailable;
    }

    /** The devices the driver reports (empty when the driver or JCuda is missing); PTX presence aside. */
    public static synchronized List<Entry> list() {
        if (devices != null) return devices;
        List<Entry> found = new ArrayList<>();
        String why;
        try {
            why = enumerate(found);
        } catch (LinkageError e) {
            why = nativeLoadReason(e);
        } catch (RuntimeException e) {
            why = "CUDA failed to list its devices: " + e.getMessage();
        }
        if (why == null && found.isEmpty()) why = "the CUDA driver reports no device";
        if (why == null) why = CudaPtx.unsuitableReason(found.getFirst().major(), found.getFirst().minor());
        else if (CudaPtx.present().isEmpty()) why = CudaPtx.NO_PTX + "; also " + why;
        unavailable = why;
        devices = List.copyOf(found);
        return devices;
    }

    private static String enumerate(List<Entry> found) {
        JCudaDriver.setExceptionsEnabled(true);
        try {
            check("cuInit(0)", () -> JCudaDriver.cuInit(0));
        } catch (CudaCheck.CudaCallException e) {
            String m = e.getMessage();
            if (m.contains("CUDA_ERROR_NO_DEVICE")) return "the CUDA driver is installed but finds no GPU (cuInit: CUDA_ERROR_NO_DEVICE)";
            if (m.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || m.contains("CUDA_ERROR_COMPAT_NOT_SUPPORTED"))
                return "the NVIDIA driver is too old for this CUDA (" + m + ")";
            return "the CUDA driver failed to start: " + m;
        }
        int[] version = new int[1];
        check("cuDriverGetVersion", () -> JCudaDriver.cuDriverGetVersion(version));
        int[] count = new int[1];
        check("cuDeviceGetCount", () -> JCudaDriver.cuDeviceGetCount(count));
        for (int i = 0; i < count[0]; i++) {
            int index = i;
            CUdevice d = new CUdevice();
            check("cuDeviceGet(" + i + ")", () -> JCudaDriver.cuDeviceGet(d, index));
            byte[] name = new byte[256];
            check("cuDeviceGetName", () -> JCudaDriver.cuDeviceGetName(name, name.length, d));
            long[] mem = new long[1];
            check("cuDeviceTotalMem", () -> JCudaDriver.cuDeviceTotalMem(mem, d));
            found.add(new Entry(i, d, cString(name), mem[0],
                    attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                    attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                    attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), version[0]));
        }
        return null;
    }

    static int attribute(CUdevice d, int attribute) {
        int[] v = new int[1];
        check("cuDeviceGetAttribute(" + attribute + ")", () -> JCudaDriver.cuDeviceGetAttribute(v, attribute, d));
        return v[0];
    }

    /** JCuda's driver library did not load: either the NVIDIA driver (libcuda.so.1) is missing, or JCuda's natives. */
    static String nativeLoadReason(Throwable e) {
        String all = String.valueOf(e.getMessage());
        for (String line : all.split("\n")) {
            int at = line.indexOf("libcuda.so");
            if (at >= 0)
                return "the NVIDIA driver's libcuda.so.1 is not installed on this machine, so JCuda cannot load ("
                        + line.substring(at).trim() + ")";
        }
        String first = all.lines().findFirst().orElse(e.getClass().getName());
        return "JCuda's native driver library could not be loaded (" + first + "); vq4j-cuda needs jcuda-natives for "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
