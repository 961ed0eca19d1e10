/// Where HdrHistogram puts a value among its counts: buckets of `subBucketCount` slots, each
/// twice as wide as the one before, whose lower halves overlap the previous bucket.
struct BucketLayout {
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int
    let subBucketHalfCount: Int
    let subBucketMask: UInt64
    let leadingZeroCountBase: Int

    init(lowest: UInt64, digits: Int) {
        unitMagnitude = 63 - max(lowest, 1).leadingZeroBitCount
        var largestWithUnitResolution: UInt64 = 2
        for _ in 0..<digits { largestWithUnitResolution *= 10 }
        let subBucketCountMagnitude = 64 - (largestWithUnitResolution - 1).leadingZeroBitCount
        subBucketHalfCountMagnitude = max(subBucketCountMagnitude, 1) - 1
        subBucketHalfCount = 1 << subBucketHalfCountMagnitude
        subBucketMask = UInt64((1 << subBucketCountMagnitude) - 1) << UInt64(unitMagnitude)
        leadingZeroCountBase = 64 - unitMagnitude - subBucketCountMagnitude
    }

    /// The lowest value the counts at `index` stand for.
    func value(at index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket + unitMagnitude)
    }

    func index(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
        return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - subBucketHalfCount
    }
}
