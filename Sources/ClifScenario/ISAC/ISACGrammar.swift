import ClifCore

/// What CLIF's `scenario.dtd` allows, written down here because the DTD is not available (its
/// DOCTYPE names a Java class path) and because our own checks give friendlier messages than a
/// validator: which children and attributes each element may have, and what to say about them.
enum ISACGrammar {
    /// The steps of a behaviour, in the order messages list them.
    static let steps = ["sample", "timer", "control", "while", "if", "nchoice", "preemptive"]

    /// Child elements allowed in each element (the GUI's `<param name="id">` is allowed anywhere).
    static let children: [String: [String]] = [
        "scenario": ["behaviors", "loadprofile"],
        "behaviors": ["plugins", "behavior"],
        "plugins": ["use"],
        "use": ["params"],
        "params": ["param"],
        "param": [],
        "behavior": steps,
        "sample": ["params"], "timer": ["params"], "control": ["params"], "condition": ["params"],
        "while": ["condition"] + steps,
        "preemptive": ["condition"] + steps,
        "if": ["condition", "then", "else"],
        "then": steps, "else": steps,
        "nchoice": ["choice"],
        "choice": steps,
        "loadprofile": ["group"],
        "group": ["ramp"],
        "ramp": ["points"],
        "points": ["point"],
        "point": [],
    ]

    /// Attributes allowed on each element.
    static let attributes: [String: [String]] = [
        "use": ["id", "name"],
        "param": ["name", "value"],
        "behavior": ["id"],
        "sample": ["use", "name"], "timer": ["use", "name"], "control": ["use", "name"], "condition": ["use", "name"],
        "choice": ["proba"],
        "group": ["behavior", "forceStop"],
        "ramp": ["style"],
        "point": ["x", "y"],
    ]

    /// What a required attribute holds, said after "needs attribute '…'".
    static func help(for attribute: String, of element: String) -> String {
        switch (element, attribute) {
        case ("use", "id"): "the instance's name, which steps give as use=\"…\" (e.g. id=\"rand\")"
        case ("use", "name"): "the plug-in type (e.g. name=\"Random\")"
        case ("param", "name"): "the parameter's name"
        case ("param", "value"): "the parameter's value (value='' when empty)"
        case ("behavior", "id"): "the behaviour's name, which a <group behavior=\"…\"> refers to (e.g. id=\"B0\")"
        case (_, "use"): "the id of a plug-in instance declared in <plugins> (e.g. use=\"rand\")"
        case (_, "name"): "the operation of the plug-in to call (e.g. name=\"\(exampleOperation(element))\")"
        case ("choice", "proba"): "a whole-number weight (proba=\"9\" and proba=\"1\" mean 90 % and 10 %)"
        case ("group", "behavior"): "the id of the <behavior> its sessions run"
        case ("ramp", "style"): "one of \(rampStyles)"
        case ("point", "x"): "seconds since the start of the test"
        case ("point", "y"): "the number of active sessions"
        default: "see CLIF's ISAC format"
        }
    }

    private static func exampleOperation(_ element: String) -> String {
        switch element {
        case "timer": "sleep"
        case "control": "setUniform"
        case "condition": "true"
        default: "action"
        }
    }

    /// A hint after "unknown element <x> in <parent>" for the mistakes people make.
    static func hint(unknown element: String, in parent: String) -> String? {
        switch (parent, element) {
        case ("if", let name) where steps.contains(name): "the steps of an <if> go in its <then> or <else>"
        case ("scenario", "plugins"), ("scenario", "behavior"): "<plugins> and <behavior> go inside <behaviors>"
        case ("nchoice", let name) where steps.contains(name): "each branch of an <nchoice> is a <choice proba=\"…\"> holding the steps"
        case ("behavior", "condition"), ("then", "condition"), ("else", "condition"), ("choice", "condition"):
            "a <condition> belongs to a <while>, <if> or <preemptive>"
        case (let name, "param") where name != "params": "parameters go in a <params> element"
        case (_, "point"): "points go in the <points> of a <ramp>"
        default: nil
        }
    }

    static let rampStyles = Ramp.Style.allCases.map(\.rawValue).joined(separator: ", ")

    /// `<a>, <b>, <c>`, for messages.
    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map { "<\($0)>" }.joined(separator: ", ")
    }

    /// The known name closest to `name`, when it looks like a typo of it.
    static func suggestion(for name: String, among names: [String]) -> String? {
        let lowered = name.lowercased()
        if let same = names.first(where: { $0.lowercased() == lowered }) { return same }
        // Long names are not typos of ours; comparing them would only cost time.
        guard lowered.count <= 32 else { return nil }
        let scored = names.map { ($0, editDistance(lowered, $0)) }.filter { $0.1 <= max(1, $0.0.count / 3) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Edit distance over characters, a swap of two neighbours counting as one edit (the
    /// optimal string alignment distance): `nmae` is one edit from `name`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }

    /// A name as messages show it: a name can be as long as libxml2 allows (50,000 characters).
    static func shortened(_ name: String) -> String {
        name.utf8.count <= 40 ? name : String(name.prefix(40)) + "…"
    }

    /// A value as messages quote it: long values (a 1 MB attribute) cut short.
    static func quoted(_ text: String) -> String {
        let limit = 40
        guard text.utf8.count > limit, text.count > limit else { return "'\(text)'" }
        return "'\(text.prefix(limit))…' (\(text.utf8.count) bytes)"
    }
}
