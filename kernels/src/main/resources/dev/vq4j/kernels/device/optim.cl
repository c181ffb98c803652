/* The fused Adam / AdamW step (Backend.adamStep): one work item per element, every state tensor
 * read and written once, instead of ten elementwise passes. Math in float in torch's order; the
 * host rounds beta, 1 - beta and 1 - lr*wd to float from double, as torch does. */

KERNEL void adam_step(GLOBAL float* p, int p_off, GLOBAL const float* g, int g_off, GLOBAL float* m, int m_off,
                      GLOBAL float* v, int v_off, GLOBAL float* vmax, int vmax_off, int has_vmax,
                      float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float weight_decay,
                      float decay, int decoupled, float step_size, float bc2_sqrt, int n) {
    int i = GID(0);
    if (i >= n) return;
    float pi = p[p_off + i], gi = g[g_off + i];
    if (decoupled) pi = pi * decay;
    else if (weight_decay != 0.0f) gi = gi + weight_decay * pi;
    float mi = m[m_off + i] * beta1 + one_minus_beta1 * gi;
    float vi = v[v_off + i] * beta2 + one_minus_beta2 * (gi * gi);
    m[m_off + i] = mi;
    v[v_off + i] = vi;
    float second = vi;
    if (has_vmax) {
        second = fmax(vmax[vmax_off + i], vi);
        vmax[vmax_off + i] = second;
    }
    p[p_off + i] = pi - step_size * (mi / (sqrt(second) / bc2_sqrt + eps));
}
