import FractalXML
import CLibXML2
import Synchronization

/// The DTD every architecture file is validated against, whatever its DOCTYPE names.
///
/// It accepts Fractal ADL 2.0 (`basic.dtd`, `standard.dtd`) and ProActive's GCM additions
/// (`internal-client`/`internal-server` roles, `multicast`/`gathercast` cardinalities, virtual
/// node cardinality, exported virtual nodes, a membrane described inside `controller`).
/// Children may come in any order; how many of each is checked with friendlier messages by
/// the loader. `fractal dtd` prints it.
public enum ADLDTD {
    /// Public identifiers whose DOCTYPE maps to this DTD.
    public static let knownPublicIdentifiers = ["-//objectweb.org//DTD Fractal ADL 2.0//EN"]

    public static let text = """
    <!-- swift-fractal ADL: Fractal ADL 2.0 with the GCM additions of ProActive. -->
    <!ENTITY % definitionBody "comment | interface | component | binding | content | attributes | controller | template-controller | logger | virtual-node | exportedVirtualNodes | coordinates">

    <!ELEMENT definition (%definitionBody;)*>
    <!ATTLIST definition
      name CDATA #REQUIRED
      extends CDATA #IMPLIED
      arguments CDATA #IMPLIED>

    <!ELEMENT component (%definitionBody;)*>
    <!ATTLIST component
      name CDATA #REQUIRED
      definition CDATA #IMPLIED>

    <!ELEMENT interface (comment*)>
    <!ATTLIST interface
      name CDATA #REQUIRED
      role (client | server | internal-client | internal-server) #IMPLIED
      signature CDATA #IMPLIED
      contingency (mandatory | optional) #IMPLIED
      cardinality (singleton | collection | multicast | gathercast) #IMPLIED>

    <!ELEMENT binding (comment*)>
    <!ATTLIST binding
      client CDATA #REQUIRED
      server CDATA #REQUIRED>

    <!ELEMENT attributes (comment | attribute)*>
    <!ATTLIST attributes
      signature CDATA #IMPLIED>

    <!ELEMENT attribute (comment*)>
    <!ATTLIST attribute
      name CDATA #REQUIRED
      value CDATA #REQUIRED>

    <!ELEMENT content (comment*)>
    <!ATTLIST content
      class CDATA #REQUIRED>

    <!ELEMENT controller (comment | interface | component | binding)*>
    <!ATTLIST controller
      desc CDATA #IMPLIED>

    <!ELEMENT template-controller (comment*)>
    <!ATTLIST template-controller
      desc CDATA #REQUIRED>

    <!ELEMENT logger (comment*)>
    <!ATTLIST logger
      name CDATA #REQUIRED>

    <!ELEMENT virtual-node (comment*)>
    <!ATTLIST virtual-node
      name CDATA #REQUIRED
      cardinality (single | multiple) #IMPLIED>

    <!ELEMENT exportedVirtualNodes (exportedVirtualNode*)>
    <!ELEMENT exportedVirtualNode (composedFrom)>
    <!ATTLIST exportedVirtualNode
      name CDATA #REQUIRED>
    <!ELEMENT composedFrom (composingVirtualNode*)>
    <!ELEMENT composingVirtualNode EMPTY>
    <!ATTLIST composingVirtualNode
      component CDATA #REQUIRED
      name CDATA #REQUIRED>

    <!ELEMENT coordinates (coordinates*)>
    <!ATTLIST coordinates
      name CDATA #REQUIRED
      x0 CDATA #IMPLIED
      x1 CDATA #IMPLIED
      y0 CDATA #IMPLIED
      y1 CDATA #IMPLIED
      color CDATA #IMPLIED>

    <!ELEMENT comment EMPTY>
    <!ATTLIST comment
      language CDATA #IMPLIED
      text CDATA #IMPLIED>
    """

    private struct Parsed: @unchecked Sendable { let dtd: xmlDtdPtr? }

    private static let parsedDTD = Parsed(dtd: XMLSchema.parse(text))

    /// What the reader validates architecture files against.
    static let schema = XMLSchema(name: "the ADL DTD", help: "see `fractal dtd` for the elements an architecture file may hold") { parsedDTD.dtd }

    /// The parsed DTD; libxml2 keeps it for the life of the process.
    static func parsed() -> xmlDtdPtr? { parsedDTD.dtd }
}
