/* Elementwise kernels over strided views: fill, copy with dtype conversion, unary maps, binary
 * maps with broadcasting (0 strides), where. One work item per output element. */

#define FILL_KERNEL(NAME, T) \
KERNEL void NAME(GLOBAL T* out, const Strided so, T value, int n) { \
    int i = GID(0); \
    if (i < n) out[strided_at(so, i)] = value; \
}
FILL_KERNEL(fill_f32, float)
FILL_KERNEL(fill_i32, int)
FILL_KERNEL(fill_i64, i64)
FILL_KERNEL(fill_u8, u8)

/* float to integer truncates toward zero; anything to bool is "!= 0" (as the reference). */
#define COPY_KERNEL(NAME, S, D, CONVERT) \
KERNEL void NAME(GLOBAL const S* src, const Strided ss, GLOBAL D* dst, const Strided sd, int n) { \
    int i = GID(0); \
    if (i < n) { S v = src[strided_at(ss, i)]; dst[strided_at(sd, i)] = CONVERT; } \
}
#define AS(T) ((T) v)
#define AS_BOOL ((u8) (v != 0))
COPY_KERNEL(copy_f32_f32, float, float, v)
COPY_KERNEL(copy_f32_i32, float, int, AS(int))
COPY_KERNEL(copy_f32_i64, float, i64, AS(i64))
COPY_KERNEL(copy_f32_u8, float, u8, AS_BOOL)
COPY_KERNEL(copy_i32_f32, int, float, AS(float))
COPY_KERNEL(copy_i32_i32, int, int, v)
COPY_KERNEL(copy_i32_i64, int, i64, AS(i64))
COPY_KERNEL(copy_i32_u8, int, u8, AS_BOOL)
COPY_KERNEL(copy_i64_f32, i64, float, AS(float))
COPY_KERNEL(copy_i64_i32, i64, int, AS(int))
COPY_KERNEL(copy_i64_i64, i64, i64, v)
COPY_KERNEL(copy_i64_u8, i64, u8, AS_BOOL)
COPY_KERNEL(copy_u8_f32, u8, float, AS(float))
COPY_KERNEL(copy_u8_i32, u8, int, AS(int))
COPY_KERNEL(copy_u8_i64, u8, i64, AS(i64))
COPY_KERNEL(copy_u8_u8, u8, u8, v)

INLINE float sigmoid_f(float x) {
    return x >= 0 ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x));
}

/* op is dev.vq4j.core.UnaryOp's ordinal; the formulas are ReferenceElementwise.unaryFn's. */
INLINE float unary_op(int op, float x, float a, float b) {
    const float INV_SQRT_2 = 0.70710678118654752f, INV_SQRT_2PI = 0.39894228040143268f, K = 0.79788456080286536f;
    switch (op) {
        case 0: return -x;                                   /* NEG */
        case 1: return fabs(x);                              /* ABS */
        case 2: return x > 0 ? 1.0f : x < 0 ? -1.0f : x;     /* SIGN (0, -0 and NaN stay) */
        case 3: return exp(x);
        case 4: return log(x);
        case 5: return sqrt(x);
        case 6: return 1.0f / sqrt(x);                       /* RSQRT */
        case 7: return x * x;
        case 8: return 1.0f / x;
        case 9: return sin(x);
        case 10: return cos(x);
        case 11: return x + a;                               /* ADD_SCALAR */
        case 12: return x * a;                               /* MUL_SCALAR */
        case 13: return pow(x, a);                           /* POW_SCALAR */
        case 14: return pow(a, x);                           /* SCALAR_POW */
        case 15: return isnan(x) ? x : fmin(fmax(x, a), b);  /* CLAMP */
        case 16: return x > 0 ? x : (isnan(x) ? x : 0.0f);   /* RELU */
        case 17: return x > 0 ? x : x * a;                   /* LEAKY_RELU */
        case 18: return sigmoid_f(x);
        case 19: return tanh(x);
        case 20: return x * sigmoid_f(x);                    /* SILU */
        case 21: return 0.5f * x * (1.0f + erf(x * INV_SQRT_2));        /* GELU */
        case 22: return 0.5f * x * (1.0f + tanh(K * (x + 0.044715f * x * x * x)));  /* GELU_TANH */
        case 23: { float bx = a * x; return bx > b ? x : log1p(exp(bx)) / a; }  /* SOFTPLUS */
        case 24: { float s = sigmoid_f(x); return s * (1.0f + x * (1.0f - s)); }  /* SILU_GRAD */
        case 25: return 0.5f * (1.0f + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * exp(-0.5f * x * x);  /* GELU_GRAD */
        case 26: {                                           /* GELU_TANH_GRAD */
            float z = K * (x + 0.044715f * x * x * x), c = cosh(z);
            /* 1 - tanh² as 1 / cosh²: no cancellation in the tails (cosh overflows to inf, giving 0) */
            return 0.5f * (1.0f + tanh(z)) + 0.5f * x * (1.0f / (c * c)) * K * (1.0f + 3 * 0.044715f * x * x);
        }
        case 27: return x > 0 ? 1.0f : a;                    /* STEP */
        case 28: return isnan(x) ? 1.0f : 0.0f;              /* ISNAN */
        default: return VQ_NAN;
    }
}

KERNEL void unary_f32(GLOBAL const float* x, const Strided sx, GLOBAL float* out, const Strided so,
                      int op, float a, float b, int n) {
    int i = GID(0);
    if (i < n) out[strided_at(so, i)] = unary_op(op, x[strided_at(sx, i)], a, b);
}

/* op is dev.vq4j.core.BinaryOp's ordinal. MAXIMUM/MINIMUM propagate NaN as torch. */
INLINE float binary_op(int op, float x, float y) {
    switch (op) {
        case 0: return x + y;
        case 1: return x - y;
        case 2: return x * y;
        case 3: return x / y;
        case 4: return pow(x, y);
        case 5: return isnan(x) || isnan(y) ? VQ_NAN : fmax(x, y);
        case 6: return isnan(x) || isnan(y) ? VQ_NAN : fmin(x, y);
        case 7: return x == y;
        case 8: return x != y;
        case 9: return x < y;
        case 10: return x <= y;
        case 11: return x > y;
        case 12: return x >= y;
        case 13: return x != 0 && y != 0;
        case 14: return x != 0 || y != 0;
        default: return VQ_NAN;
    }
}

KERNEL void binary_f32(GLOBAL const float* a, const Strided sa, GLOBAL const float* b, const Strided sb,
                       GLOBAL float* out, const Strided so, int op, int n) {
    int i = GID(0);
    if (i < n) out[strided_at(so, i)] = binary_op(op, a[strided_at(sa, i)], b[strided_at(sb, i)]);
}

/* comparisons of floats into bool */
KERNEL void compare_f32(GLOBAL const float* a, const Strided sa, GLOBAL const float* b, const Strided sb,
                        GLOBAL u8* out, const Strided so, int op, int n) {
    int i = GID(0);
    if (i < n) out[strided_at(so, i)] = (u8) (binary_op(op, a[strided_at(sa, i)], b[strided_at(sb, i)]) != 0);
}

/* and / or / comparisons of bools */
KERNEL void binary_u8(GLOBAL const u8* a, const Strided sa, GLOBAL const u8* b, const Strided sb,
                      GLOBAL u8* out, const Strided so, int op, int n) {
    int i = GID(0);
    if (i < n) out[strided_at(so, i)] = (u8) (binary_op(op, (float) a[strided_at(sa, i)], (float) b[strided_at(sb, i)]) != 0);
}

KERNEL void where_f32(GLOBAL const u8* c, const Strided sc, GLOBAL const float* a, const Strided sa,
                      GLOBAL const float* b, const Strided sb, GLOBAL float* out, const Strided so, int n) {
    int i = GID(0);
    if (i < n) out[strided_at(so, i)] = c[strided_at(sc, i)] ? a[strided_at(sa, i)] : b[strided_at(sb, i)];
}
