//go:build !nolibyuv

package player

// defaultPath scales 4:2:0 pictures with libyuv.
const defaultPath = pathLibyuv

// haveLibyuv reports whether this build links libyuv.
const haveLibyuv = true
