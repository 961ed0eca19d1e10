import NIOCore

/// An event loop as a task executor: a session that prefers it runs on the thread of its own
/// connection, so a response resumes the session without a hand-off between threads.
///
/// Only for code that never blocks: while a session runs there, the loop serves no other
/// connection.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
