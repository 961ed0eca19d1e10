import NIOCore

/// Holds the channel's reads while the peer has as many calls in flight as it takes, or while
/// the other side does not read what this side writes (the channel is not writable): what the
/// other side sends then waits in the network, not in this process.
final class ReadGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private var peerPaused = false
    private var unwritable = false
    private var readWanted = false

    private var isOpen: Bool { !peerPaused && !unwritable }

    /// Pauses or resumes for the peer. On the event loop.
    func setPeerPaused(_ paused: Bool, context: ChannelHandlerContext) {
        peerPaused = paused
        resumeIfOpen(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if isOpen {
            context.read()
        } else {
            readWanted = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        unwritable = !context.channel.isWritable
        resumeIfOpen(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func resumeIfOpen(context: ChannelHandlerContext) {
        guard isOpen, readWanted else { return }
        readWanted = false
        context.read()
    }
}
