/* conv kernels: none yet (the backend runs these ops on the host, see DeviceKernelBackend). */
