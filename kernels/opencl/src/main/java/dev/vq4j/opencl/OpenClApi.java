package dev.vq4j.opencl;

import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceBuffer;
import dev.vq4j.kernels.device.DeviceOutOfMemoryError;
import dev.vq4j.kernels.device.KernelSources;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link DeviceApi} on OpenCL through JOCL: one context and one in-order queue per device; the
 * program is every shared kernel file behind the OpenCL dialect header, built once when the
 * backend opens. A build failure throws with the compiler's log (never a silent skip).
 */
public final class OpenClApi implements DeviceApi {
    private final OpenClDevices.Entry entry;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    public OpenClApi(OpenClDevices.Entry entry) {
        this.entry = entry;
        CL.setExceptionsEnabled(true);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, entry.platform());
        context = CL.clCreateContext(props, 1, new org.jocl.cl_device_id[] {entry.device()}, null, null, null);
        queue = CL.clCreateCommandQueueWithProperties(context, entry.device(), null, null);
        program = build(KernelSources.openClProgram());
    }

    private cl_program build(String source) {
        cl_program p = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        try {
            CL.clBuildProgram(p, 0, null, "-cl-std=CL1.2", null, null);
        } catch (CLException e) {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(p, entry.device(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(p, entry.device(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            throw new IllegalStateException("OpenCL could not build vq4j's kernels on " + entry.describe() + ": " + e.getMessage()
                    + "\n" + new String(log).trim());
        }
        return p;
    }

    @Override
    public String type() {
        return "opencl";
    }

    @Override
    public String describe() {
        return entry.platformName() + " / " + entry.deviceName() + " (" + entry.version() + ")";
    }

    @Override
    public long totalMemory() {
        return entry.globalMemory();
    }

    @Override
    public synchronized Object malloc(long bytes) {
        try {
            return CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            if (e.getStatus() == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || e.getStatus() == CL.CL_OUT_OF_RESOURCES
                    || e.getStatus() == CL.CL_INVALID_BUFFER_SIZE || e.getStatus() == CL.CL_OUT_OF_HOST_MEMORY)
                throw new DeviceOutOfMemoryError("OpenCL device " + entry.deviceName() + " cannot allocate " + bytes + " bytes: " + e.getMessage());
            throw e;
        }
    }

    @Override
    public synchronized void free(Object handle) {
        CL.clReleaseMemObject((cl_mem) handle);
    }

    @Override
    public synchronized void zero(Object handle, long offset, long bytes) {
        CL.clEnqueueFillBuffer(queue, (cl_mem) handle, Pointer.to(new byte[] {0}), 1, offset, bytes, 0, null, null);
    }

    @Override
    public synchronized void write(Object handle, long offset, ByteBuffer src) {
        CL.clEnqueueWriteBuffer(queue, (cl_mem) handle, CL.CL_TRUE, offset, src.remaining(), Pointer.to(src), 0, null, null);
    }

    @Override
    public synchronized void read(Object handle, long offset, ByteBuffer dst) {
        CL.clEnqueueReadBuffer(queue, (cl_mem) handle, CL.CL_TRUE, offset, dst.remaining(), Pointer.to(dst), 0, null, null);
    }

    @Override
    public synchronized void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) {
        CL.clEnqueueCopyBuffer(queue, (cl_mem) src, (cl_mem) dst, srcOffset, dstOffset, bytes, 0, null, null);
    }

    @Override
    public synchronized void launch(String name, long[] global, long[] local, Object... args) {
        cl_kernel k = kernels.computeIfAbsent(name, n -> {
            try {
                return CL.clCreateKernel(program, n, null);
            } catch (CLException e) {
                throw new IllegalArgumentException("OpenCL: no kernel named '" + n + "' in vq4j's program (" + e.getMessage() + ")");
            }
        });
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            try {
                switch (a) {
                    case DeviceBuffer b -> CL.clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to((cl_mem) b.handle()));
                    case Integer v -> CL.clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                    case Long v -> CL.clSetKernelArg(k, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
                    case Float v -> CL.clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                    case Byte v -> CL.clSetKernelArg(k, i, Sizeof.cl_uchar, Pointer.to(new byte[] {v}));
                    case ByteBuffer s -> CL.clSetKernelArg(k, i, s.remaining(), Pointer.to(s));
                    default -> {
                        if (a == NO_BUFFER) CL.clSetKernelArg(k, i, Sizeof.cl_mem, null);
                        else throw new IllegalArgumentException("kernel " + name + ": unsupported argument " + i + " of type " + a.getClass().getName());
                    }
                }
            } catch (CLException e) {
                throw new IllegalArgumentException("kernel " + name + ": argument " + i + " (" + a + ") rejected: " + e.getMessage(), e);
            }
        }
        CL.clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
    }

    @Override
    public synchronized void finish() {
        CL.clFinish(queue);
    }

    @Override
    public synchronized void close() {
        for (cl_kernel k : kernels.values()) CL.clReleaseKernel(k);
        kernels.clear();
        CL.clReleaseProgram(program);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
