extension String {
    /// Probe files are split on commas: a label (an interface's or a device's name) keeps none.
    func replacingCommas() -> String { String(map { $0 == "," ? ";" : $0 }) }

    /// Without the spaces, tabs and line ends a properties file may leave around a value.
    func trimmingSpaces() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[first...last]
    }
}
