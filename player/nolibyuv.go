//go:build nolibyuv

package player

// defaultPath scales 4:2:0 pictures with swscale, after box halving.
const defaultPath = pathHalve

// haveLibyuv reports whether this build links libyuv.
const haveLibyuv = false
